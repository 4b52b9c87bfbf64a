// A workbook begun while its file is still sent must be the workbook written in one go after the run: the same
// sheets in the same order, the same rows, widths and views, and nothing left behind when it is let go.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRow, RowStatus } from '../../src/ledger/types.ts';
import { EarlyWorkbook } from '../../src/report/early-workbook.ts';
import { MAX_CELL_TEXT } from '../../src/report/excel-limits.ts';
import { writeFileReports } from '../../src/report/write-file-reports.ts';
import { type FakeInput, ledgerRow, reportInput } from '../support/report-input.ts';
import { readSheets, readWorkbook, SHEET_NAMES } from '../support/report-read-back.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'early-workbook-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 600 rows, most ok, with the other outcomes among them; texts of varied length so widths depend on them. */
function fleet(longCellAt?: number): LedgerRow[] {
  const statuses: RowStatus[] = [
    'ok',
    'ok',
    'ok',
    'stopped',
    'ok',
    'failed',
    'ok',
    'invalid',
    'ok',
    'skipped',
  ];
  return Array.from({ length: 600 }, (_, i) => {
    const rowNumber = i + 2;
    const status = statuses[i % statuses.length] as RowStatus;
    const name = `${'Østby'.repeat(1 + (i % 7))} ${i}`;
    const note = rowNumber === longCellAt ? 'x'.repeat(MAX_CELL_TEXT + 10) : '';
    return ledgerRow(rowNumber, status, {
      cells: [`CU${10000 + rowNumber}`, '63888700414', name, 'OPPRETTE', note],
    });
  });
}

const at = (name: string) => join(dir, name);

/** Writes the input's reports the plain way into `plain/` and through an early workbook into `early/`. */
async function bothWays(input: FakeInput, settledLines: readonly number[]) {
  const plain = await writeFileReports(input, at('plain'));
  const early = await EarlyWorkbook.begin(
    at('early'),
    input.file.name,
    input.runStartedAt,
    input.file.headers,
  );
  if (!early) throw new Error('exceljs 4.4 can put a sheet first');
  for (const below of settledLines) await early.writeBelow(input.rowsWithStatus, below);
  const begun = await writeFileReports(input, at('early'), early);
  return { plain, begun };
}

function looks(workbook: ExcelJS.Workbook) {
  return workbook.worksheets.map((sheet) => ({
    name: sheet.name,
    widths: sheet.columns?.map((column) => column.width) ?? [],
    views: sheet.views,
    autoFilter: sheet.autoFilter,
    tab: sheet.properties.tabColor,
  }));
}

describe('a workbook begun while the file is sent', () => {
  it('is the workbook written in one go: sheets, order, rows, widths and views', async () => {
    const input = reportInput(fleet());
    // Lines as the sender settles rows: unevenly, past the width sample, and short of the end.
    const { plain, begun } = await bothWays(input, [1, 40, 41, 250, 333, 560]);
    expect(begun.xlsx.replace(at('early'), '')).toBe(plain.xlsx.replace(at('plain'), ''));
    const [plainBook, earlyBook] = await Promise.all([readWorkbook(plain.xlsx), readWorkbook(begun.xlsx)]);
    expect(earlyBook.worksheets.map((sheet) => sheet.name)).toEqual(SHEET_NAMES);
    expect(looks(earlyBook)).toEqual(looks(plainBook));
    expect(earlyBook.views).toEqual(plainBook.views);
    expect(await readSheets(begun.xlsx)).toEqual(await readSheets(plain.xlsx));
    // The rest of the set is the same too; nothing of the early one's temp file or name claim is left.
    expect(await readFile(begun.summary, 'utf8')).toBe(await readFile(plain.summary, 'utf8'));
    expect((await readdir(at('early'))).sort()).toEqual((await readdir(at('plain'))).sort());
  });

  it('is written whole again, saying so, when a row written early had to be fitted', async () => {
    const input = reportInput(fleet(12));
    const { plain, begun } = await bothWays(input, [300]);
    expect(await readSheets(begun.xlsx)).toEqual(await readSheets(plain.xlsx));
    const overview = (await readSheets(begun.xlsx)).get('Oppsummering')?.flat().join(' ') ?? '';
    expect(overview).toMatch(/32[\s.,]?767/);
    expect((await readdir(at('early'))).sort()).toEqual((await readdir(at('plain'))).sort());
  });

  it('leaves nothing behind when it is let go unfinished', async () => {
    const input = reportInput(fleet());
    const early = await EarlyWorkbook.begin(dir, input.file.name, input.runStartedAt, input.file.headers);
    await early?.writeBelow(input.rowsWithStatus, 400);
    await early?.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
