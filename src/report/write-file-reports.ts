// One input file's reports: the result workbook, the summary and (when rows are left) the retry file. Each
// is written under a hidden temp name and renamed at the end, the summary last, so whatever carries a real
// name is complete, and the summary's presence means the whole set is.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkbookWriter, writeTableSheet } from './excel.ts';
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
import { writeOverviewSheet } from './overview.ts';
import { retryFileFormat, writeRetryFile } from './retry-file.ts';
import { rowSheets } from './row-sheets.ts';
import { assertCounts, buildSummary } from './summary.ts';
import type { ReportInput, ReportPaths } from './types.ts';

async function writeWorkbook(input: ReportInput, path: string, retryName: string | null): Promise<void> {
  const output = await openPrivateOutput(path);
  try {
    const workbook = createWorkbookWriter(output.stream);
    // exceljs' streaming writer keeps every uncommitted sheet in memory: one sheet at a time, committed.
    writeOverviewSheet(workbook, input, retryName);
    for (const sheet of rowSheets(input.file.headers)) {
      const rows = input.rowsWithStatus(sheet.statuses);
      await writeTableSheet(workbook, sheet.name, sheet.columns, rows, output, {
        frozenColumns: 2,
        tabColor: sheet.tabColor,
      });
    }
    await Promise.race([workbook.commit(), output.failed]);
    await output.closed();
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
    const retried = await writeRetryFile(input, retryTemp);
    if (retried === 0) await removeQuietly([retryTemp]);
    const retry = retried > 0 ? retryName : null;

    const xlsxTemp = temp(names.xlsx);
    await writeWorkbook(input, xlsxTemp, retry);

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
