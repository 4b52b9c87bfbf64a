// The result workbook of one input file: the Oppsummering sheet first, then a sheet per outcome. Written in one
// go after the run (`writeWorkbook`), or begun while the file is still being sent (early-workbook.ts), which
// shares the pieces below so that both make the same workbook.

import type ExcelJS from 'exceljs';
import type { LedgerRow } from '../ledger/types.ts';
import { createWorkbookWriter } from './excel.ts';
import { Fitting } from './excel-limits.ts';
import { openPrivateOutput, type PrivateOutput } from './files.ts';
import { fitNotes } from './fit-notes.ts';
import { writeOverviewSheet } from './overview.ts';
import { retryFileFormat, retryHasReason } from './retry-file.ts';
import { type RowSheet, rowSheets } from './row-sheets.ts';
import { type TableOptions, TableSheet, writeTableSheet } from './table-sheet.ts';
import type { ReportInput } from './types.ts';

/** The retry file the workbook names, and what it had to fit to Excel's limits. */
export interface RetryInfo {
  readonly name: string;
  readonly fitting: Fitting;
}

/**
 * Writes the workbook to `path`. The Oppsummering sheet says what had to be fitted to Excel's limits (`said`);
 * returns what writing the sheets actually had to fit, which the caller compares with `said`.
 */
export async function writeWorkbook(
  input: ReportInput,
  path: string,
  retry: RetryInfo | null,
  said: Fitting,
): Promise<Fitting> {
  const output = await openPrivateOutput(path);
  const fitting = new Fitting();
  try {
    const workbook = createWorkbookWriter(output.stream);
    // exceljs' streaming writer keeps every uncommitted sheet in memory: one sheet at a time, committed.
    writeOverview(workbook, input, retry, said, fitting);
    for (const sheet of rowSheets(input.file.headers)) {
      await writeRowSheet(workbook, sheet, input.rowsWithStatus(sheet.statuses), output, fitting);
    }
    await commitWorkbook(workbook, output);
    return fitting;
  } catch (error) {
    output.abort();
    throw error;
  }
}

/** Writes a row sheet whole and commits it. */
export function writeRowSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: RowSheet,
  rows: Iterable<LedgerRow>,
  output: PrivateOutput,
  fitting: Fitting,
): Promise<number> {
  return writeTableSheet(workbook, sheet.name, sheet.columns, rows, output, rowSheetOptions(sheet, fitting));
}

/** A row sheet being written, with its look: frozen identity columns and its tab colour. */
export function startRowSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: RowSheet,
  output: PrivateOutput,
  fitting: Fitting,
): TableSheet<LedgerRow> {
  return new TableSheet(workbook, sheet.name, sheet.columns, output, rowSheetOptions(sheet, fitting));
}

function rowSheetOptions(sheet: RowSheet, fitting: Fitting): TableOptions {
  return { frozenColumns: 2, tabColor: sheet.tabColor, fitting };
}

/** The Oppsummering sheet, with the notes on what was fitted to Excel's limits. */
export function writeOverview(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  input: ReportInput,
  retry: RetryInfo | null,
  said: Fitting,
  fitting: Fitting,
): ExcelJS.Worksheet {
  const notes = fitNotes({
    workbook: said,
    ...(retry ? { retry: retry.fitting } : {}),
    headers: input.file.headers,
    retryWithoutReason: !retryHasReason(retryFileFormat(input.file), input.file.headers),
  });
  return writeOverviewSheet(workbook, input, retry?.name ?? null, notes, fitting);
}

/** Writes what is left of the workbook and waits until the file is closed; a write error rejects. */
export async function commitWorkbook(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  output: PrivateOutput,
): Promise<void> {
  await Promise.race([workbook.commit(), output.failed]);
  await output.closed();
}
