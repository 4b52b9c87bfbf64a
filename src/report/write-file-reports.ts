// One input file's reports: the result workbook, the summary and (when rows are left) the retry file. Each
// is written under a hidden temp name and renamed at the end, the summary last, so whatever carries a real
// name is complete, and the summary's presence means the whole set is.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EarlyWorkbook } from './early-workbook.ts';
import { Fitting } from './excel-limits.ts';
import {
  FILE_MODE,
  publish,
  type Reservation,
  removeQuietly,
  reportNames,
  reserveReportSet,
  tempPathFor,
} from './files.ts';
import { predictFitting } from './fit-notes.ts';
import { retryFileFormat, writeRetryFile } from './retry-file.ts';
import { rowSheets } from './row-sheets.ts';
import { assertCounts, buildSummary } from './summary.ts';
import type { ReportInput, ReportPaths } from './types.ts';
import { writeWorkbook } from './workbook.ts';

/**
 * Writes `<name>.<run timestamp>.xlsx`, `.summary.json` and, if any row was stopped or failed, `.igjen.csv`
 * or `.igjen.xlsx` into `reportsDir` (created 0700 if missing; files 0600). Writes nothing anywhere else and
 * logs nothing. `begun`, a workbook begun while the file was sent (early-workbook.ts), is finished instead of
 * writing the workbook whole; it is used up either way.
 */
export async function writeFileReports(
  input: ReportInput,
  reportsDir: string,
  begun?: EarlyWorkbook,
): Promise<ReportPaths> {
  // A workbook whose temp file went with its folder (removed or moved while sending) is written whole instead.
  const early = begun && (await begun.inPlace()) ? begun : undefined;
  if (begun && !early) await begun.discard().catch(() => undefined);
  let reservation: Reservation | undefined = early?.reservation;
  const temps: string[] = early ? [early.path] : [];
  try {
    // Before anything is written: a report with counts that don't add up must not appear at all.
    assertCounts(input.counts, input.pending);
    reservation ??= await reserveReportSet(reportsDir, input.file.name, input.runStartedAt);
    const names = reportNames(reservation.prefix);
    const temp = (finalName: string) => {
      const path = tempPathFor(reportsDir, finalName);
      temps.push(path);
      return path;
    };
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
    let xlsxTemp = early?.path ?? temp(names.xlsx);
    const found = early
      ? await early.finish(input, retryInfo, predicted)
      : await writeWorkbook(input, xlsxTemp, retryInfo, predicted);
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
    // An early workbook that was not finished still has its file open.
    await early?.discard();
    await removeQuietly(temps);
    throw error;
  } finally {
    await reservation?.release();
  }
}
