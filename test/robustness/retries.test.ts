import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.ts';
import { apiCalls, dropFleet, latestSummary, ledgerRows, planSingles } from '../support/installation.ts';

// In-process runs (test/support/harness.ts): what is under test is which rows a run takes up again, not the
// process around it.
describe('technical failures retry themselves', () => {
  const harness = useHarness();

  const env = {
    LEASINGTAKER_CONCURRENCY: '4',
    LEASINGTAKER_MAX_ATTEMPTS: '1',
    LEASINGTAKER_BREAKER_THRESHOLD: '6',
    LEASINGTAKER_MAX_RUNS: '3',
  };
  const calls = () => apiCalls(harness.local.sim.calls).length;

  it('sends rows that failed or were left pending by the breaker in the next run, without a file dropped', async () => {
    const rows = planSingles(60, 50_000);
    dropFleet(harness.inbox, 'nede.csv', rows);
    harness.local.sim.faults.down = true;
    const first = await harness.run(env);
    expect(first.exitCode).toBe(1);
    const stopped = latestSummary(harness.reports, 'nede.csv');
    expect(stopped).toMatchObject({ rows: 60, ok: 0, failed: 60 });
    // Some failed technically (the requests the breaker counted), the rest were never sent.
    expect(stopped?.pending).toBeGreaterThan(0);
    expect(stopped?.pending).toBeLessThan(60);

    harness.local.sim.faults.down = false;
    const before = calls();
    const second = await harness.run(env);
    expect(second.exitCode).toBe(0);
    expect(latestSummary(harness.reports, 'nede.csv')).toMatchObject({
      rows: 60,
      ok: rows.filter((row) => row.expected === 'ok').length,
      stopped: rows.filter((row) => row.expected === 'stopped').length,
      failed: 0,
    });
    // Every row once, no more: nothing that had an outcome went out again.
    expect(calls() - before).toBe(60);
  });

  it(`stops after LEASINGTAKER_MAX_RUNS runs and leaves the rows in Feilet for a person`, async () => {
    const rows = planSingles(30, 51_000);
    dropFleet(harness.inbox, 'alltid-nede.csv', rows);
    harness.local.sim.faults.down = true;
    for (let run = 1; run <= 3; run++) {
      const before = calls();
      const result = await harness.run(env);
      expect(result.exitCode, `run ${run}`).toBe(1);
      // Each of the three runs tried (the breaker stops it after a few failed requests).
      expect(calls() - before, `run ${run}`).toBeGreaterThan(0);
      expect(calls() - before, `run ${run}`).toBeLessThanOrEqual(6 + 4);
    }
    // Run by run, the rows of the file all had their three runs, whether they were tried or left pending.
    expect(ledgerRows(harness.state).map((row) => row.runs)).toEqual(rows.map(() => 3));
    // The third run's report no longer promises another try: it asks a person to look.
    const feilet = await sheetTexts(latestReport(harness.reports, 'alltid-nede'), 'Feilet');
    expect(feilet.slice(1).every((line) => line.includes('prøves ikke automatisk igjen'))).toBe(true);
    const summary = await sheetTexts(latestReport(harness.reports, 'alltid-nede'), 'Oppsummering');
    expect(summary.join('\n')).toContain('30 rad(er) er prøvd i alle kjøringene');

    // The fourth run, and the ones after, leave them alone: with the API still down, and with it up again.
    for (const down of [true, false]) {
      harness.local.sim.faults.down = down;
      const before = calls();
      await harness.run(env);
      expect(calls() - before, `down: ${down}`).toBe(0);
    }
    expect(latestSummary(harness.reports, 'alltid-nede.csv')).toMatchObject({ rows: 30, ok: 0, failed: 30 });
    expect(
      ledgerRows(harness.state).every((row) => row.status === 'failed' || row.status === 'pending'),
    ).toBe(true);
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
