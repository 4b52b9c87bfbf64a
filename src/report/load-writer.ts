// The report writer, loaded on first use: exceljs costs ~250 ms of CPU, which a run with nothing to do never pays.

import type { ReportInput, ReportPaths } from './types.ts';

type Writer = typeof import('./write-file-reports.ts');
let writer: Promise<Writer> | undefined;
const loadWriter = (): Promise<Writer> => {
  writer ??= import('./write-file-reports.ts');
  return writer;
};

/**
 * Starts loading the report writer (exceljs: ~250 ms of CPU) without waiting for it. A run with files to do
 * calls it before it fetches its first token, so that the import overlaps that round trip instead of adding
 * to the time after the last answer. A run with nothing to do never loads it.
 */
export function preloadReportWriter(): void {
  loadWriter().catch(() => undefined);
}

/** Writes one input file's reports (see write-file-reports.ts); loads the writer if nothing did yet. */
export async function writeFileReports(input: ReportInput, reportsDir: string): Promise<ReportPaths> {
  return (await loadWriter()).writeFileReports(input, reportsDir);
}
