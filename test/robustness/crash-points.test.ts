// Kills at the moments a random kill rarely hits: between recording a file and moving it out of the inbox,
// while the reports are being written, and while the workbook begun early is open beside the rows being sent.

import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import {
  apiCalls,
  createInstallation,
  dropFleet,
  filesBelow,
  filesUnder,
  type Installation,
  ledgerRows,
  planFleet,
  planSingles,
  summariesByFile,
} from '../support/installation.ts';

describe('crash points', () => {
  let harness: Harness | undefined;
  let install: Installation | undefined;
  afterEach(async () => {
    await harness?.close();
    await install?.close();
    harness = undefined;
    install = undefined;
  });

  it('takes a file anew when a run died after recording it but before moving it to the archive', async () => {
    harness = await createHarness();
    mkdirSync(harness.inbox, { recursive: true });
    const rows = planSingles(40, 70_000);
    dropFleet(harness.inbox, 'flate.csv', rows);
    // What claimFile leaves when killed between its ledger insert and the rename.
    const ledger = Ledger.open(harness.state);
    ledger.addFile({
      owner: '',
      name: 'flate.csv',
      path: join(harness.archive, '2026-01-01', '2026-01-01T00-00-00-flate.csv'),
      format: 'csv',
      sha256: '0'.repeat(64),
      size: 1,
    });
    ledger.close();

    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    expect(result.files.map((file) => [file.name, file.counts.rows])).toEqual([['flate.csv', 40]]);
    expect(apiCalls(harness.local.sim.calls)).toHaveLength(40);
    expect(readdirSync(harness.inbox)).toEqual([]);
    // One record of the file, the one that was read: the dead one is forgotten.
    expect(new Set(ledgerRows(harness.state).map((row) => row.file))).toEqual(new Set(['flate.csv']));
    expect(ledgerRows(harness.state)).toHaveLength(40);
  });

  it('writes the report of a file whose run was killed while writing it, sending nothing again', async () => {
    install = await createInstallation();
    const rows = planFleet(800, 71_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    mkdirSync(install.reports, { recursive: true });
    const run = install.start();
    // The reports are written under hidden temporary names, then renamed. The workbook's is there while the rows
    // are sent (it is begun early); the retry file, the first written once sending is over, marks the report.
    while (
      run.running() &&
      !readdirSync(install.reports, { encoding: 'utf8' }).some((n) => /\.igjen\.csv\.[0-9a-f]+\.tmp$/.test(n))
    ) {
      await sleep(1);
    }
    run.child.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');
    expect(summariesByFile(install.reports).size).toBe(0);
    expect(ledgerRows(install.state).filter((row) => ['pending', 'sending'].includes(row.status))).toEqual(
      [],
    );

    const callsBefore = apiCalls(install.local.sim.calls).length;
    const next = await install.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(callsBefore);
    const count = (expected: string) => rows.filter((row) => row.expected === expected).length;
    expect(summariesByFile(install.reports).get('flate.csv')).toEqual([
      expect.objectContaining({ rows: 800, ok: count('ok'), stopped: count('stopped'), failed: 0 }),
    ]);
    expect(filesUnder(install.reports).filter((path) => path.endsWith('.xlsx'))).toHaveLength(1);
  }, 60_000);

  it('leaves nothing of a workbook begun early when killed while sending: the next run sends the rest, one report', async () => {
    install = await createInstallation({ faults: { latencyMs: 20 } });
    const rows = planFleet(600, 72_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    mkdirSync(install.reports, { recursive: true });
    const run = install.start();
    const open = () =>
      ledgerRows(install?.state ?? '').filter((row) => ['pending', 'sending'].includes(row.status));
    // The workbook is begun once the file is read; kill while it is open and rows are still to be sent.
    while (
      run.running() &&
      !readdirSync(install.reports, { encoding: 'utf8' }).some((n) => n.endsWith('.tmp'))
    ) {
      await sleep(1);
    }
    run.child.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');
    expect(open().length).toBeGreaterThan(0);

    const next = await install.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const count = (expected: string) => rows.filter((row) => row.expected === expected).length;
    expect(summariesByFile(install.reports).get('flate.csv')).toEqual([
      expect.objectContaining({ rows: 600, ok: count('ok'), stopped: count('stopped'), failed: 0 }),
    ]);
    const left = filesBelow(install.reports);
    expect(left.filter((path) => path.endsWith('.xlsx'))).toHaveLength(1);
    expect(left.filter((path) => /\.(tmp|lock)$/.test(path))).toEqual([]);
  }, 60_000);
});
