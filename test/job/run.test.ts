import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../support/harness.ts';
import { readSheets } from '../support/report-read-back.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON_A = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const PERSON_B = fnr({ day: 5, month: 2, year: 1990, individ: 123 });

function writeCsv(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

function reportFiles(harness: Harness, suffix: string): string[] {
  return readdirSync(harness.reports)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(harness.reports, name));
}

/** The `Rad` column (first) of a row sheet, header excluded. */
const rowNumbers = (rows: unknown[][] | undefined) => (rows ?? []).slice(1).map((row) => row[0]);

describe('run', () => {
  const harness = useHarness();

  it('lands each row of a mixed file in the right sheet with the row number Excel shows', async () => {
    writeCsv(harness.inbox, 'flate.csv', [
      'Kjennemerke;Handling;Fødselsnummer;Etternavn;Avdeling',
      `CU10001;OPPRETTE;${PERSON_A};Firkant;Oslo`,
      `XX10001;OPPRETTE;${PERSON_A};Firkant;Oslo`,
      '',
      `C!;OPPRETTE;${PERSON_A};Firkant;Bergen`,
      `CU10002;legg til;${PERSON_B};Østby;Bergen`,
      `CU10002;legg til;${PERSON_B};Østby;Bergen`,
    ]);
    const result = await harness.run();
    expect(result.exitCode).toBe(0);

    const [xlsx] = reportFiles(harness, '.xlsx').filter((path) => !path.includes('.igjen.'));
    const sheets = await readSheets(xlsx ?? '');
    expect([...sheets.keys()]).toEqual([
      'Oppsummering',
      'Vellykket',
      'Stoppet',
      'Feilet',
      'Ugyldig',
      'Hoppet over',
    ]);
    expect(rowNumbers(sheets.get('Vellykket'))).toEqual([2, 6]);
    expect(rowNumbers(sheets.get('Stoppet'))).toEqual([3]);
    expect(new Set(rowNumbers(sheets.get('Ugyldig')))).toEqual(new Set([5, 7]));
    expect(rowNumbers(sheets.get('Feilet'))).toEqual([]);

    const [summaryPath] = reportFiles(harness, '.summary.json');
    const summary = JSON.parse(readFileSync(summaryPath ?? '', 'utf8'));
    expect(summary).toMatchObject({ rows: 5, ok: 2, stopped: 1, failed: 0, invalid: 2, skipped: 0 });
    expect(readdirSync(harness.inbox)).toEqual([]);
  });

  it('sends the rows of one plate in file order, one at a time, at concurrency 16', async () => {
    harness.local.sim.faults.latencyMs = 3;
    const lines = ['Regnr;Handling;Fnr;Etternavn'];
    for (let i = 0; i < 120; i++) {
      const plate = `CU${20000 + i}`;
      lines.push(`${plate};OPPRETTE;${PERSON_A};Firkant`);
      lines.push(`${plate};AVSLUTTE;${PERSON_A};Firkant`);
      lines.push(`${plate};OPPRETTE;${PERSON_B};Østby`);
    }
    writeCsv(harness.inbox, 'rekkefolge.csv', lines);
    const result = await harness.run({ LEASINGTAKER_CONCURRENCY: '16' });
    expect(result.files[0]?.counts).toMatchObject({ rows: 360, ok: 360, stopped: 0, failed: 0 });
    expect(result.exitCode).toBe(0);
    // Out of order, an AVSLUTTE would meet no lessee, or an OPPRETTE a lessee already there: merknader.
    const apiCalls = harness.local.sim.calls.filter((call) => call.endpoint === 'api');
    expect(apiCalls).toHaveLength(360);
    expect(apiCalls.every((call) => call.result === 'ok')).toBe(true);
  });

  it('sends again only what had not succeeded when a file is dropped a second time', async () => {
    const { copyFileSync } = await import('node:fs');
    const path = writeCsv(harness.dir, 'flate.csv', [
      'Kjennemerke;Handling;Fødselsnummer;Etternavn',
      `CU10001;OPPRETTE;${PERSON_A};Firkant`,
      `CU10002;OPPRETTE;${PERSON_B};Østby`,
      `XX10003;OPPRETTE;${PERSON_B};Østby`,
    ]);
    copyFileSync(path, join(harness.inbox, 'flate.csv'));
    await harness.run();
    const callsAfterFirst = harness.local.sim.calls.filter((call) => call.endpoint === 'api').length;
    expect(callsAfterFirst).toBe(3);

    copyFileSync(path, join(harness.inbox, 'flate.csv'));
    const second = await harness.run();
    expect(second.files[0]?.counts).toMatchObject({ rows: 3, skipped: 2, stopped: 1 });
    const apiCalls = harness.local.sim.calls.filter((call) => call.endpoint === 'api');
    // Only the stopped row went out again.
    expect(apiCalls.slice(callsAfterFirst).map((call) => call.kjennemerke)).toEqual(['XX10003']);
  });

  it('stops sending when the API is down, leaves the rest pending, and the next run finishes them', async () => {
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn'];
    for (let i = 0; i < 60; i++) lines.push(`CU${30000 + i};OPPRETTE;${PERSON_A};Firkant`);
    writeCsv(harness.inbox, 'nede.csv', lines);
    harness.local.sim.faults.down = true;
    const env = { LEASINGTAKER_BREAKER_THRESHOLD: '6', LEASINGTAKER_MAX_ATTEMPTS: '2' };
    const first = await harness.run(env);
    expect(first.exitCode).toBe(1);
    expect(first.haltReason).toMatch(/API-et/);
    const counts = first.files[0]?.counts;
    expect(counts?.rows).toBe(60);
    expect(counts?.ok).toBe(0);
    expect(counts?.failed).toBe(60);
    // Far fewer requests than rows x attempts: the breaker saved the file from being burnt.
    const downCalls = harness.local.sim.calls.filter((call) => call.endpoint === 'api').length;
    expect(downCalls).toBeLessThan(30);

    harness.local.sim.faults.down = false;
    const second = await harness.run(env);
    expect(second.exitCode).toBe(0);
    expect(second.files[0]?.counts).toMatchObject({ rows: 60, ok: 60, failed: 0 });
  });

  it('keeps formula-looking text as text in the report and neutralises it in the retry CSV', async () => {
    writeCsv(harness.inbox, 'formler.csv', [
      'Kjennemerke;Handling;Fødselsnummer;Etternavn;Kommentar',
      `XX10009;OPPRETTE;${PERSON_A};Firkant;=1+1`,
      `CU10009;OPPRETTE;${PERSON_A};Firkant;@SUM(A1)`,
    ]);
    await harness.run();
    const [xlsx] = reportFiles(harness, '.xlsx').filter((path) => !path.includes('.igjen.'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx ?? '');
    const cells: ExcelJS.Cell[] = [];
    for (const name of ['Stoppet', 'Vellykket']) {
      workbook.getWorksheet(name)?.eachRow((row, number) => {
        if (number > 1) row.eachCell((cell) => cells.push(cell));
      });
    }
    const formulaLike = cells.filter(
      (cell) => String(cell.value).startsWith('=') || String(cell.value).startsWith('@'),
    );
    expect(formulaLike.map((cell) => cell.value)).toEqual(expect.arrayContaining(['=1+1', '@SUM(A1)']));
    for (const cell of formulaLike) expect(cell.type).toBe(ExcelJS.ValueType.String);
    // The fødselsnummer is text, never a number Excel would show as 6.39E+10.
    const idCells = cells.filter((cell) => cell.value === PERSON_A);
    expect(idCells.length).toBeGreaterThan(0);

    const [retry] = reportFiles(harness, '.igjen.csv');
    const text = readFileSync(retry ?? '', 'utf8');
    expect(text).toContain("'=1+1");
    expect(text).not.toMatch(/;=1\+1/);
  });

  it('pauses the reader while the queue is full, so the file is never all in the queue at once', async () => {
    harness.local.sim.faults.latencyMs = 2;
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn'];
    for (let i = 0; i < 4000; i++) lines.push(`CU${40000 + i};OPPRETTE;${PERSON_A};Firkant`);
    writeCsv(harness.inbox, 'stor.csv', lines);

    let maxLead = 0;
    const poll = setInterval(() => {
      try {
        const db = new DatabaseSync(join(harness.state, 'ledger.sqlite'), { readOnly: true });
        const row = db
          .prepare("SELECT count(*) AS total, sum(status IN ('pending', 'sending')) AS open FROM rows")
          .get() as { total: number; open: number | null };
        db.close();
        maxLead = Math.max(maxLead, row.open ?? 0);
      } catch {
        // The ledger may not exist yet.
      }
    }, 20);
    const result = await harness.run({ LEASINGTAKER_CONCURRENCY: '8' });
    clearInterval(poll);
    expect(result.files[0]?.counts.ok).toBe(4000);
    expect(maxLead).toBeGreaterThan(0);
    expect(maxLead).toBeLessThan(2600);
  });
});
