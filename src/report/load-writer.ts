// The report writer, loaded on first use: exceljs' streaming writer costs ~75 ms of CPU, which a run with nothing
// to do never pays.

import type { EarlyWorkbook } from './early-workbook.ts';
import type { ReportInput, ReportPaths } from './types.ts';

type Writer = typeof import('./write-file-reports.ts');
type Early = typeof import('./early-workbook.ts');
let writer: Promise<[Writer, Early]> | undefined;
const loadWriter = (): Promise<[Writer, Early]> => {
  writer ??= Promise.all([import('./write-file-reports.ts'), import('./early-workbook.ts')]);
  return writer;
};

/**
 * Starts loading the report writer without waiting for it. A run with files to do calls it before it fetches
 * its first token, so that the import overlaps that round trip instead of adding to the time after the last
 * answer. A run with nothing to do never loads it.
 */
export function preloadReportWriter(): void {
  loadWriter().catch(() => undefined);
}

/** Begins a file's workbook while it is still sent (see early-workbook.ts). */
export async function beginEarlyWorkbook(
  ...args: Parameters<typeof EarlyWorkbook.begin>
): Promise<EarlyWorkbook | undefined> {
  const [, early] = await loadWriter();
  return early.EarlyWorkbook.begin(...args);
}

/** Writes one input file's reports (see write-file-reports.ts); loads the writer if nothing did yet. */
export async function writeFileReports(
  input: ReportInput,
  reportsDir: string,
  early?: EarlyWorkbook,
): Promise<ReportPaths> {
  const [reports] = await loadWriter();
  return reports.writeFileReports(input, reportsDir, early);
}
