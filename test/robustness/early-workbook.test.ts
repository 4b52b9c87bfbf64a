// The workbook begun while a file is still sent (job/early-report.ts) only ever costs its head start: whatever
// happens to it or around it while the rows go out, the run ends as it did when the workbook was written after
// sending, with the same report.

import { readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInstallation,
  dropFleet,
  filesUnder,
  type Installation,
  planFleet,
  summariesByFile,
} from '../support/installation.ts';
import type { RunningCli } from '../support/spawn-cli.ts';

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

describe('the workbook begun early', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

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
    const names = filesUnder(install.reports).map((path) => path.slice(install?.reports.length));
    expect(names.filter((name) => name.endsWith('.xlsx'))).toHaveLength(1);
    expect(names.filter((name) => /\.(tmp|lock)$/.test(name))).toEqual([]);
  }, 60_000);
});
