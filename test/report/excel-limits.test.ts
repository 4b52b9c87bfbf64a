import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkbookWriter, type TableColumn } from '../../src/report/excel.ts';
import { DATA_ROWS_PER_SHEET, Fitting, MAX_CELL_TEXT, xmlSafe } from '../../src/report/excel-limits.ts';
import { openPrivateOutput } from '../../src/report/files.ts';
import { fitNotes, predictFitting } from '../../src/report/fit-notes.ts';
import { writeFileReports } from '../../src/report/load-writer.ts';
import { rowSheets } from '../../src/report/row-sheets.ts';
import { writeTableSheet } from '../../src/report/table-sheet.ts';
import { fileRecord, ledgerRow, reportInput } from '../support/report-input.ts';
import { dataRows, readWorkbook, sheet } from '../support/report-read-back.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-limits-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('xmlSafe', () => {
  it.each([
    ['plain text', 'Kari Østby', 'Kari Østby'],
    ['tab, line feed and carriage return are XML', 'a\tb\nc\rd', 'a\tb\nc\rd'],
    ['a control character', 'a\u0001b', 'a\uFFFDb'],
    ['NUL', '\u0000', '\uFFFD'],
    ['U+FFFE and U+FFFF', '\uFFFEx\uFFFF', '\uFFFDx\uFFFD'],
    ['DEL, which exceljs would drop without a word', 'a\u007Fb', 'a\uFFFDb'],
    ['a lone surrogate half', 'x\uD800y', 'x\uFFFDy'],
    ['a surrogate pair is one character, and fine', 'bil 🚗', 'bil 🚗'],
  ])('%s', (_, text, expected) => {
    expect(xmlSafe(text)).toBe(expected);
  });
});

describe('Fitting.text', () => {
  it('cuts text at Excel’s cell limit, ending with …, and counts it', () => {
    const fitting = new Fitting();
    const cut = fitting.text('x'.repeat(MAX_CELL_TEXT + 1));
    expect(cut).toHaveLength(MAX_CELL_TEXT);
    expect(cut.endsWith('…')).toBe(true);
    expect(fitting.text('x'.repeat(MAX_CELL_TEXT))).toHaveLength(MAX_CELL_TEXT);
    expect(fitting.cutCells).toBe(1);
  });

  it('never leaves half a surrogate pair at the cut', () => {
    const fitting = new Fitting();
    const cut = fitting.text(`${'x'.repeat(MAX_CELL_TEXT - 3)}🚗🚗🚗`);
    expect(cut.toWellFormed()).toBe(cut);
    expect(cut.length).toBeLessThanOrEqual(MAX_CELL_TEXT);
  });
});

describe('rows past one sheet', () => {
  it('go on in "<name> (2)" with the same header, and nothing is lost', async () => {
    const path = join(dir, 'fold.xlsx');
    const output = await openPrivateOutput(path);
    const workbook = createWorkbookWriter(output.stream);
    const columns: TableColumn<number>[] = [
      { header: 'Rad', maxWidth: 8, value: (n) => n },
      { header: 'Tekst', maxWidth: 20, value: (n) => `rad ${n}` },
    ];
    const fitting = new Fitting();
    const rows = Array.from({ length: 7 }, (_, i) => i + 2);
    const written = await writeTableSheet(workbook, 'Ugyldig', columns, rows, output, {
      fitting,
      rowsPerSheet: 3,
    });
    await workbook.commit();
    await output.closed();
    expect(written).toBe(7);
    expect(fitting.parts.get('Ugyldig')).toBe(3);

    const back = await readWorkbook(path);
    expect(back.worksheets.map((ws) => ws.name)).toEqual(['Ugyldig', 'Ugyldig (2)', 'Ugyldig (3)']);
    const values = back.worksheets.flatMap((ws) => dataRows(ws).map((row) => row.getCell(1).value));
    expect(values).toEqual(rows);
    expect(sheet(back, 'Ugyldig (3)').getRow(1).getCell(2).value).toBe('Tekst');
  });

  it('are known from the counts before writing, and Oppsummering says where they go on', () => {
    const counts = {
      rows: DATA_ROWS_PER_SHEET + 5,
      ok: 0,
      stopped: 0,
      failed: 0,
      invalid: DATA_ROWS_PER_SHEET + 5,
      skipped: 0,
    };
    const predicted = predictFitting(rowSheets(['Kjennemerke']), counts);
    expect([...predicted.parts]).toEqual([['Ugyldig', 2]]);
    const notes = fitNotes({ workbook: predicted, headers: ['Kjennemerke'], retryWithoutReason: false });
    expect(notes.join(' ')).toMatch(/Ugyldig .*fortsetter i arket «Ugyldig \(2\)»/);
  });
});

describe('writeFileReports', () => {
  it('says in Oppsummering what it changed in texts from anywhere: file name, headers, cells, merknader', async () => {
    const headers = ['Kjennemerke', 'Fødselsnummer', 'Etternavn', 'Handling', 'Not\u0002at'];
    const rows = [
      ledgerRow(2, 'ok', { cells: ['CU10002', '63888700414', 'Østby', 'OPPRETTE', 'x\uFFFF'] }),
      ledgerRow(3, 'stopped', {
        merknader: [{ kode: 'X', beskrivelse: `lang merknad\u0000 ${'m'.repeat(40_000)}` }],
      }),
    ];
    const input = reportInput(rows, { file: fileRecord({ name: 'flåte\u0001.csv', headers }) });
    const paths = await writeFileReports(input, dir);

    const back = await readWorkbook(paths.xlsx);
    const said = sheet(back, 'Oppsummering').getSheetValues().flat().join(' ');
    expect(said).toMatch(/celle\(r\) hadde tegn som ikke kan stå i en Excel-fil/);
    expect(said).toMatch(/1 celle\(r\) hadde mer tekst enn/);
    expect(said).toContain('flåte\uFFFD.csv');
    expect(
      sheet(back, 'Vellykket')
        .getRow(1)
        .getCell(9 + 5).value,
    ).toBe('Not\uFFFDat');
  });

  it('says nothing when nothing had to change', async () => {
    const paths = await writeFileReports(reportInput([ledgerRow(2, 'ok'), ledgerRow(3, 'stopped')]), dir);
    const said = sheet(await readWorkbook(paths.xlsx), 'Oppsummering')
      .getSheetValues()
      .flat()
      .join(' ');
    expect(said).not.toContain('Tilpasset Excel');
  });
});
