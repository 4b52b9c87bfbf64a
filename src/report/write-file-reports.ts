// One input file's reports: the result workbook, the summary and (when rows are left) the retry file. Each
// is written under a hidden temp name and renamed at the end, the summary last, so whatever carries a real
// name is complete, and the summary's presence means the whole set is.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkbookWriter, writeTableSheet } from './excel.ts';
import { Fitting } from './excel-limits.ts';
import {
  DIR_MODE,
  FILE_MODE,
  openPrivateOutput,
  publish,
  removeQuietly,
  reportNames,
  reportPrefix,
  reservePrefix,
  tempPathFor,
} from './files.ts';
import { fitNotes, predictFitting } from './fit-notes.ts';
import { writeOverviewSheet } from './overview.ts';
import { retryFileFormat, retryHasReason, writeRetryFile } from './retry-file.ts';
import { rowSheets } from './row-sheets.ts';
import { assertCounts, buildSummary } from './summary.ts';
import type { ReportInput, ReportPaths } from './types.ts';

/**
 * The result workbook. The Oppsummering sheet comes first and says what had to be fitted to Excel's limits
 * (`said`); returns what writing the sheets actually had to fit, which the caller compares with `said`.
 */
async function writeWorkbook(
  input: ReportInput,
  path: string,
  retry: { readonly name: string; readonly fitting: Fitting } | null,
  said: Fitting,
): Promise<Fitting> {
  const output = await openPrivateOutput(path);
  const fitting = new Fitting();
  try {
    const workbook = createWorkbookWriter(output.stream);
    const notes = fitNotes({
      workbook: said,
      ...(retry ? { retry: retry.fitting } : {}),
      headers: input.file.headers,
      retryWithoutReason: !retryHasReason(retryFileFormat(input.file), input.file.headers),
    });
    // exceljs' streaming writer keeps every uncommitted sheet in memory: one sheet at a time, committed.
    writeOverviewSheet(workbook, input, retry?.name ?? null, notes, fitting);
    for (const sheet of rowSheets(input.file.headers)) {
      const rows = input.rowsWithStatus(sheet.statuses);
      await writeTableSheet(workbook, sheet.name, sheet.columns, rows, output, {
        frozenColumns: 2,
        tabColor: sheet.tabColor,
        fitting,
      });
    }
    await Promise.race([workbook.commit(), output.failed]);
    await output.closed();
    return fitting;
  } catch (error) {
    output.abort();
    throw error;
  }
}

/**
 * Writes `<name>.<run timestamp>.xlsx`, `.summary.json` and, if any row was stopped or failed, `.igjen.csv`
 * or `.igjen.xlsx` into `reportsDir` (created 0700 if missing; files 0600). Writes nothing anywhere else and
 * logs nothing.
 */
export async function writeFileReports(input: ReportInput, reportsDir: string): Promise<ReportPaths> {
  // Before anything is written: a report with counts that don't add up must not appear at all.
  assertCounts(input.counts, input.pending);
  await mkdir(reportsDir, { recursive: true, mode: DIR_MODE });
  const reservation = await reservePrefix(reportsDir, reportPrefix(input.file.name, input.runStartedAt));
  const names = reportNames(reservation.prefix);
  const temps: string[] = [];
  const temp = (finalName: string) => {
    const path = tempPathFor(reportsDir, finalName);
    temps.push(path);
    return path;
  };
  try {
    // The retry file first: whether it exists decides what the workbook and the summary say about it.
    const retryName = retryFileFormat(input.file) === 'csv' ? names.retryCsv : names.retryXlsx;
    const retryTemp = temp(retryName);
    const retryFitting = new Fitting();
    const retried = await writeRetryFile(input, retryTemp, retryFitting);
    if (retried === 0) await removeQuietly([retryTemp]);
    const retry = retried > 0 ? retryName : null;

    // Columns and rows per sheet are known before writing; a cell that has to be cut or cleaned is found only
    // while writing, after the Oppsummering sheet: then the workbook is written once more, saying so.
    const predicted = predictFitting(rowSheets(input.file.headers), input.counts);
    const retryInfo = retry ? { name: retry, fitting: retryFitting } : null;
    let xlsxTemp = temp(names.xlsx);
    const found = await writeWorkbook(input, xlsxTemp, retryInfo, predicted);
    if (!predicted.covers(found)) {
      await removeQuietly([xlsxTemp]);
      xlsxTemp = temp(names.xlsx);
      await writeWorkbook(input, xlsxTemp, retryInfo, found);
    }

    const summaryTemp = temp(names.summary);
    const summary = buildSummary(input, names.xlsx, retry);
    await writeFile(summaryTemp, `${JSON.stringify(summary, null, 2)}\n`, { flag: 'wx', mode: FILE_MODE });

    const at = (name: string) => join(reportsDir, name);
    await publish([
      ...(retry ? [{ from: retryTemp, to: at(retry) }] : []),
      { from: xlsxTemp, to: at(names.xlsx) },
      { from: summaryTemp, to: at(names.summary) },
    ]);
    return { xlsx: at(names.xlsx), summary: at(names.summary), retry: retry ? at(retry) : null };
  } catch (error) {
    await removeQuietly(temps);
    throw error;
  } finally {
    await reservation.release();
  }
}
