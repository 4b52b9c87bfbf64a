import { chownSync, existsSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  archivedInputs,
  createInstallation,
  dropFleet,
  type Installation,
  latestSummary,
  planFleet,
} from '../support/installation.ts';
import { CAN_MOUNT, fillDisk, handOver, IS_ROOT, mountSmallDisk, RUN_AS } from '../support/places.ts';
import { type CliResult, startCli } from '../support/spawn-cli.ts';

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

function logLines(result: CliResult): LogLine[] {
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * A run stopped by its surroundings: the "Run finished" line with the exit code, no stack trace, and one error
 * line that names the folder and what to do.
 */
function expectStoppedBy(result: CliResult, code: number, says: RegExp): void {
  expect(result.signal).toBeNull();
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at |Error: |"stack"/);
  expect(result.code, result.stdout + result.stderr).toBe(code);
  expect(result.stdout).toContain('Run finished');
  const errors = logLines(result).filter((line) => line.level >= 50);
  expect(errors.map((line) => line.msg)).toContainEqual(expect.stringMatching(says));
}

const sent = (rows: ReturnType<typeof planFleet>) => rows.filter((row) => row.expected !== 'invalid').length;

describe.skipIf(!CAN_MOUNT)('a full disk ends the run with what to do, and loses nothing', () => {
  let install: Installation;
  let unmount: (() => void) | undefined;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    unmount?.();
    unmount = undefined;
    await install.close();
  });

  it('reports disk full after sending: stops, and the next run writes the report without sending again', async () => {
    unmount = mountSmallDisk(install.reports, 1024);
    const mars = planFleet(40, 50_000);
    const april = planFleet(20, 51_000);
    dropFleet(install.inbox, 'mars.csv', mars);
    const filler = fillDisk(install.reports);

    const first = await install.run();
    expectStoppedBy(first, 1, /reports folder .* is full/i);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(sent(mars));
    // Nothing half-written is left behind; the filler is all there is.
    expect(readdirSync(install.reports)).toEqual(['filler']);

    rmSync(filler);
    dropFleet(install.inbox, 'april.csv', april);
    const second = await install.run();
    expect(second.code, second.stdout).toBe(0);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(sent(mars) + sent(april));
    expect(latestSummary(install.reports, 'mars.csv')).toMatchObject({ rows: 40, failed: 0, pending: 0 });
    expect(latestSummary(install.reports, 'april.csv')).toMatchObject({ rows: 20, failed: 0 });
  }, 60_000);

  it('a full reports disk takes no further file from the inbox', async () => {
    unmount = mountSmallDisk(install.reports, 1024);
    dropFleet(install.inbox, 'mars.csv', planFleet(20, 52_000));
    const filler = fillDisk(install.reports);
    await new Promise((resolve) => setTimeout(resolve, 20));
    dropFleet(install.inbox, 'april.csv', planFleet(20, 53_000));

    const first = await install.run();
    expectStoppedBy(first, 1, /reports folder .* is full/i);
    expect(readdirSync(install.inbox)).toEqual(['april.csv']);

    rmSync(filler);
    const second = await install.run();
    expect(second.code, second.stdout).toBe(0);
    expect(readdirSync(install.inbox)).toEqual([]);
    expect(latestSummary(install.reports, 'april.csv')).toMatchObject({ rows: 20, failed: 0 });
  }, 60_000);

  it('archive disk full: the file stays in the inbox, no half copy is left, and the next run takes it', async () => {
    unmount = mountSmallDisk(install.archive, 1024);
    const mars = planFleet(400, 54_000);
    dropFleet(install.inbox, 'mars.csv', mars);
    // A file at rest is copied across volumes at once; one changed just now would be held in the inbox until it
    // is (see growth.ts), and only then meet the full archive.
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(install.inbox, 'mars.csv'), hourAgo, hourAgo);
    const filler = fillDisk(install.archive);

    const first = await install.run();
    // Found before any file is taken: the run's first write to the archive is the ledger backup's mark.
    expectStoppedBy(first, 2, /archive folder .* is full/i);
    expect(readdirSync(install.inbox)).toEqual(['mars.csv']);
    expect(archivedInputs(install.archive)).toEqual([filler]);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(0);

    rmSync(filler);
    const second = await install.run();
    expect(second.code, second.stdout).toBe(0);
    expect(readdirSync(install.inbox)).toEqual([]);
    expect(latestSummary(install.reports, 'mars.csv')).toMatchObject({ rows: 400, failed: 0 });
  }, 60_000);
});

describe.skipIf(!CAN_MOUNT)('a full state disk (the ledger) ends the run, and loses nothing', () => {
  let install: Installation;
  let unmount: (() => void) | undefined;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    unmount?.();
    unmount = undefined;
    await install.close();
  });

  it('full before the run: exit 2 with what to do, nothing taken', async () => {
    unmount = mountSmallDisk(install.state, 2048);
    expect((await install.run()).code).toBe(0);
    dropFleet(install.inbox, 'mars.csv', planFleet(20, 58_000));
    const filler = fillDisk(install.state);
    const stopped = await install.run();
    expectStoppedBy(stopped, 2, /state folder .* is full/i);
    expect(readdirSync(install.inbox)).toEqual(['mars.csv']);
    rmSync(filler);
    expect((await install.run()).code).toBe(0);
    expect(latestSummary(install.reports, 'mars.csv')).toMatchObject({ rows: 20, failed: 0 });
  }, 60_000);

  it('full while sending: stops with what to do, and the next run finishes every row, none sent twice but the ones in flight', async () => {
    unmount = mountSmallDisk(install.state, 16 * 1024);
    const first = planFleet(20, 56_000);
    dropFleet(install.inbox, 'januar.csv', first);
    expect((await install.run()).code).toBe(0);
    const fleet = planFleet(2000, 57_000);
    dropFleet(install.inbox, 'mars.csv', fleet);
    // Room to open the ledger and start, not to record 2,000 rows.
    const filler = fillDisk(install.state, 256 * 1024);

    const stopped = await install.run();
    expectStoppedBy(stopped, 1, /state folder .* is full/i);

    rmSync(filler);
    const next = await install.run();
    expect(next.code, next.stdout).toBe(0);
    const summary = latestSummary(install.reports, 'mars.csv');
    expect(summary).toMatchObject({ rows: fleet.length, failed: 0, pending: 0 });
    // Each row went once, but for those whose answer could not be recorded (in flight when the disk filled).
    const calls = apiCalls(install.local.sim.calls).length - sent(first);
    expect(calls).toBeGreaterThanOrEqual(sent(fleet));
    expect(calls).toBeLessThanOrEqual(sent(fleet) + 4);
  }, 90_000);
});

describe('a folder the job may not write stops the run before it takes anything', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  for (const place of ['reports', 'archive', 'state'] as const) {
    it(`${place} folder not writable: exit 2 with what to fix, then runs once fixed`, async () => {
      const mars = planFleet(20, 55_000);
      dropFleet(install.inbox, 'mars.csv', mars);
      handOver(install.dir);
      // Owned by someone else and read-only to the job (as root: root's own folder, the job runs as nobody).
      const folder = install[place];
      const { mkdirSync, chmodSync } = await import('node:fs');
      mkdirSync(folder, { recursive: true });
      if (IS_ROOT) chownSync(folder, 0, 0);
      chmodSync(folder, 0o555);

      const first = await install.run({}, RUN_AS);
      expectStoppedBy(first, 2, new RegExp(`${place} folder .* cannot be written`, 'i'));
      expect(readdirSync(install.inbox)).toEqual(['mars.csv']);
      expect(apiCalls(install.local.sim.calls)).toHaveLength(0);

      chmodSync(folder, 0o700);
      handOver(folder);
      const second = await install.run({}, RUN_AS);
      expect(second.code, second.stdout + second.stderr).toBe(0);
      expect(existsSync(join(install.inbox, 'mars.csv'))).toBe(false);
      expect(latestSummary(install.reports, 'mars.csv')).toMatchObject({ rows: 20, failed: 0 });
    }, 60_000);
  }

  it('`ledger new` with a state folder it may not write: exit 2, with the message a run gives', async () => {
    handOver(install.dir);
    const { mkdirSync, chmodSync } = await import('node:fs');
    mkdirSync(install.state, { recursive: true });
    if (IS_ROOT) chownSync(install.state, 0, 0);
    chmodSync(install.state, 0o555);
    const run = await install.run({}, RUN_AS);
    expectStoppedBy(run, 2, /state folder .* \(LEASINGTAKER_STATE\) cannot be written/i);
    const said = logLines(run).find((line) => line.level >= 50)?.msg;

    const reset = await startCli(['ledger', 'new'], install.env(), { cwd: install.dir, ...RUN_AS }).result;
    expect(reset.code, reset.stdout + reset.stderr).toBe(2);
    expect(`${reset.stdout}${reset.stderr}`).not.toMatch(/\n\s+at |Error: |"stack"/);
    expect(
      logLines(reset)
        .filter((line) => line.level >= 50)
        .map((line) => line.msg),
    ).toEqual([said]);
  }, 30_000);

  it('a file where the reports folder should be: exit 2, saying it is not a folder', async () => {
    dropFleet(install.inbox, 'mars.csv', planFleet(5, 59_000));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(install.reports, 'not a folder');
    const result = await install.run();
    expectStoppedBy(result, 2, /reports folder .* is not a folder/i);
    expect(readdirSync(install.inbox)).toEqual(['mars.csv']);
  }, 30_000);
});
