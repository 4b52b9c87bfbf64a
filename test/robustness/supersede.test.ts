import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { faultSettings } from '../../src/simulator/faults.ts';
import { useHarness } from '../support/harness.ts';
import {
  apiCalls,
  dropFleet,
  latestSummary,
  type PlannedRow,
  syntheticPersons,
} from '../support/installation.ts';

// Issue 13.5: a newer file repeats changes an older file still holds open (failed, pending, maybe sent): staff
// drop the retry file while the original's rows still wait for their automatic retry. Exactly one of each goes,
// in order, and the register ends as the newest file asks. In-process runs against the simulator over HTTP.
describe('the same change in two files is applied once', () => {
  const harness = useHarness();

  const env = {
    LEASINGTAKER_CONCURRENCY: '4',
    LEASINGTAKER_MAX_ATTEMPTS: '1',
    LEASINGTAKER_BREAKER_THRESHOLD: '1000',
  };
  const [fnrA, fnrB] = syntheticPersons(2, 700) as [string, string];
  const plate = 'CU45000';
  const row = (handling: PlannedRow['handling'], fnr: string, etternavn: string): PlannedRow => ({
    plate,
    handling,
    fnr,
    etternavn,
    expected: 'ok',
    key: `${plate}|${handling}`,
  });
  const march = [
    row('OPPRETTE', fnrA, 'Askeland'),
    row('AVSLUTTE', fnrA, 'Askeland'),
    row('OPPRETTE', fnrB, 'Berg'),
  ];
  /** The changes the register made for the plate, in order, as `handling:ok`. */
  const changes = (from = 0) =>
    apiCalls(harness.local.sim.calls)
      .slice(from)
      .filter((call) => call.kjennemerke === plate && call.result === 'ok')
      .map((call) => call.handling);

  /** mars.csv with the API down: every row left failed or pending, and its retry file written. */
  async function marchFailed(): Promise<string> {
    dropFleet(harness.inbox, 'mars.csv', march);
    harness.local.sim.faults = faultSettings({ down: true });
    expect((await harness.run(env)).exitCode).toBe(1);
    expect(latestSummary(harness.reports, 'mars.csv')).toMatchObject({ rows: 3, failed: 3 });
    harness.local.sim.faults = faultSettings();
    const retry = readdirSync(harness.reports).find((name) => name.endsWith('.igjen.csv'));
    if (!retry) throw new Error('no retry file');
    return retry;
  }

  it('the retry file dropped while the original still waits: three changes, not six; the original says why', async () => {
    const retry = await marchFailed();
    copyFileSync(join(harness.reports, retry), join(harness.inbox, retry));
    const before = apiCalls(harness.local.sim.calls).length;
    expect((await harness.run(env)).exitCode).toBe(0);
    expect(changes(before)).toEqual(['OPPRETTE', 'AVSLUTTE', 'OPPRETTE']);
    expect(apiCalls(harness.local.sim.calls).slice(before)).toHaveLength(3);
    expect(latestSummary(harness.reports, retry)).toMatchObject({ rows: 3, ok: 3, failed: 0 });
    // The original's rows are closed as superseded, and its report (written again) says by which rows.
    expect(latestSummary(harness.reports, 'mars.csv')).toMatchObject({
      rows: 3,
      skipped: 3,
      superseded: 3,
      failed: 0,
      ok: 0,
    });
    const skipped = await sheetTexts(latestReport(harness.reports, 'mars'), 'Hoppet over');
    expect(skipped.slice(1)).toEqual([
      expect.stringContaining(`Erstattet av ${retry}, rad 2`),
      expect.stringContaining(`Erstattet av ${retry}, rad 3`),
      expect.stringContaining(`Erstattet av ${retry}, rad 4`),
    ]);
    // Nothing left for a later run.
    const after = apiCalls(harness.local.sim.calls).length;
    await harness.run(env);
    expect(apiCalls(harness.local.sim.calls).length).toBe(after);
  });

  it('a newer file with only the last change: the earlier ones go first, then the newer row, each once', async () => {
    await marchFailed();
    dropFleet(harness.inbox, 'mars-rettet.csv', [row('OPPRETTE', fnrB, 'Berg')]);
    const before = apiCalls(harness.local.sim.calls).length;
    for (let run = 0; run < 3; run++) await harness.run(env);
    expect(changes(before)).toEqual(['OPPRETTE', 'AVSLUTTE', 'OPPRETTE']);
    expect(apiCalls(harness.local.sim.calls).slice(before)).toHaveLength(3);
    expect(latestSummary(harness.reports, 'mars.csv')).toMatchObject({ ok: 2, skipped: 1, failed: 0 });
    expect(latestSummary(harness.reports, 'mars-rettet.csv')).toMatchObject({ ok: 1, failed: 0 });
  });

  it('a newer file that ends what the older one registers waits for it: the register ends as the newest asks', async () => {
    // The older file's OPPRETTE fails; a newer file ends that lessee. Sent before the older row, the end would
    // find nothing to end and the late OPPRETTE would leave the lessee registered.
    dropFleet(harness.inbox, 'mars.csv', [row('OPPRETTE', fnrA, 'Askeland')]);
    harness.local.sim.faults = faultSettings({ down: true });
    await harness.run(env);
    harness.local.sim.faults = faultSettings();
    dropFleet(harness.inbox, 'april.csv', [row('AVSLUTTE', fnrA, 'Askeland')]);
    const before = apiCalls(harness.local.sim.calls).length;
    for (let run = 0; run < 3; run++) await harness.run(env);
    expect(changes(before)).toEqual(['OPPRETTE', 'AVSLUTTE']);
    expect(latestSummary(harness.reports, 'april.csv')).toMatchObject({ ok: 1, stopped: 0, failed: 0 });
  });

  it('a repeat of a row whose answer was lost: the newer row counts "already so" as done', async () => {
    dropFleet(harness.inbox, 'mars.csv', [row('OPPRETTE', fnrA, 'Askeland')]);
    harness.local.sim.faults = faultSettings({ shareDrop: 1, dropAfterApply: true });
    await harness.run(env);
    harness.local.sim.faults = faultSettings();
    expect(changes()).toEqual(['OPPRETTE']);
    dropFleet(harness.inbox, 'mars-igjen.csv', [row('OPPRETTE', fnrA, 'Askeland')]);
    await harness.run(env);
    expect(changes()).toEqual(['OPPRETTE']);
    expect(latestSummary(harness.reports, 'mars-igjen.csv')).toMatchObject({ ok: 1, stopped: 0 });
    expect(latestSummary(harness.reports, 'mars.csv')).toMatchObject({ skipped: 1, failed: 0 });
  });
});

/** The newest result workbook of a file (not its retry file). */
function latestReport(reports: string, base: string): string {
  const paths = readdirSync(reports)
    .filter((name) => name.startsWith(`${base}.`) && name.endsWith('.xlsx') && !name.includes('.igjen.'))
    .map((name) => join(reports, name))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return paths.at(-1) ?? '';
}

/** Each row of a sheet as its cells' texts joined, as a person reads it. */
async function sheetTexts(path: string, sheet: string): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const lines: string[] = [];
  workbook.getWorksheet(sheet)?.eachRow((row) => {
    lines.push(
      (row.values as unknown[])
        .slice(1)
        .map((value) => String(value ?? ''))
        .join(' | '),
    );
  });
  return lines;
}
