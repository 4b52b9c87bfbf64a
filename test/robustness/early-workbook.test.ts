// The workbook begun while a file is still sent (job/early-report.ts) only ever costs its head start: whatever
// happens to it or around it while the rows go out, the run ends as it did when the workbook was written after
// sending, with the same report.

import { chmodSync, chownSync, readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  createInstallation,
  dropFleet,
  filesBelow,
  type Installation,
  planFleet,
  summariesByFile,
} from '../support/installation.ts';
import { ERROR, logLines } from '../support/log-lines.ts';
import { CAN_MOUNT, fillDisk, handOver, IS_ROOT, mountSmallDisk, RUN_AS } from '../support/places.ts';
import type { CliResult, RunningCli } from '../support/spawn-cli.ts';

/** Waits until the run has begun the workbook (its hidden temp file is in `dir`) while rows are still sent. */
async function untilBegun(run: RunningCli, dir: string): Promise<void> {
  const begun = () => {
    try {
      return readdirSync(dir).some((name) => /^\..*\.xlsx\.[0-9a-f]+\.tmp$/.test(name));
    } catch {
      return false;
    }
  };
  while (run.running() && !begun()) await sleep(1);
  expect(run.running()).toBe(true);
}

/** Stopped by the reports folder as before the workbook was begun early: one error line naming it, no stack. */
function expectStoppedByReports(result: CliResult, says: RegExp): void {
  expect(result.signal).toBeNull();
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at |Error: |"stack"|could not be finished/);
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stdout).toContain('Run finished');
  expect(
    logLines(result.stdout)
      .filter((line) => line.level >= ERROR)
      .map((line) => line.msg),
  ).toEqual([expect.stringMatching(says)]);
}

describe('the workbook begun early', () => {
  let install: Installation | undefined;
  let unmount: (() => void) | undefined;
  afterEach(async () => {
    unmount?.();
    unmount = undefined;
    await install?.close();
    install = undefined;
  });

  const sent = (rows: ReturnType<typeof planFleet>) =>
    rows.filter((row) => row.expected !== 'invalid').length;

  it('the reports folder removed while the rows are sent: the report is written all the same', async () => {
    install = await createInstallation({ faults: { latencyMs: 20 } });
    const rows = planFleet(400, 73_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    const run = install.start();
    await untilBegun(run, install.reports);
    // Someone clears the reports folder, the open workbook with it; the job makes the folder again.
    rmSync(install.reports, { recursive: true, force: true });
    const result = await run.result;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const count = (expected: string) => rows.filter((row) => row.expected === expected).length;
    expect(summariesByFile(install.reports).get('flate.csv')).toEqual([
      expect.objectContaining({ rows: 400, ok: count('ok'), stopped: count('stopped'), failed: 0 }),
    ]);
    const names = filesBelow(install.reports);
    expect(names.filter((name) => name.endsWith('.xlsx'))).toHaveLength(1);
    expect(names.filter((name) => /\.(tmp|lock)$/.test(name))).toEqual([]);
  }, 60_000);

  it('the reports folder made read-only while the rows are sent: the run stops on it, the next run writes the report', async () => {
    install = await createInstallation({ faults: { latencyMs: 20 } });
    const rows = planFleet(400, 74_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    handOver(install.dir);
    const run = install.start({}, RUN_AS);
    await untilBegun(run, install.reports);
    if (IS_ROOT) chownSync(install.reports, 0, 0);
    chmodSync(install.reports, 0o555);
    const first = await run.result;
    expectStoppedByReports(first, /reports folder .* cannot be written/i);

    chmodSync(install.reports, 0o700);
    handOver(install.reports);
    const next = await install.run({}, RUN_AS);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(sent(rows));
    expect(summariesByFile(install.reports).get('flate.csv')).toEqual([
      expect.objectContaining({ rows: 400, failed: 0, pending: 0 }),
    ]);
    const names = filesBelow(install.reports);
    expect(names.filter((name) => /\.(tmp|lock)$/.test(name))).toEqual([]);
  }, 60_000);

  it.skipIf(!CAN_MOUNT)(
    'the reports disk filling up while the rows are sent: the run stops on it, the next run writes the report',
    async () => {
      install = await createInstallation({ faults: { latencyMs: 20 } });
      const rows = planFleet(600, 75_000);
      dropFleet(install.inbox, 'flate.csv', rows);
      unmount = mountSmallDisk(install.reports, 1024);
      const run = install.start();
      await untilBegun(run, install.reports);
      const filler = fillDisk(install.reports);
      const first = await run.result;
      expectStoppedByReports(first, /reports folder .* is full/i);
      expect(readdirSync(install.reports)).toEqual(['filler']);

      rmSync(filler);
      const next = await install.run();
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(apiCalls(install.local.sim.calls)).toHaveLength(sent(rows));
      expect(summariesByFile(install.reports).get('flate.csv')).toEqual([
        expect.objectContaining({ rows: 600, failed: 0, pending: 0 }),
      ]);
    },
    60_000,
  );
});
