import type { ReportInput, ReportPaths } from './types.ts';

export type { ReportInput, ReportPaths } from './types.ts';

/**
 * Writes one input file's reports (see write-file-reports.ts). The writer is loaded when the first report is
 * written, not when the run starts: a run with nothing to do doesn't pay for importing it.
 */
export async function writeFileReports(input: ReportInput, reportsDir: string): Promise<ReportPaths> {
  const writer = await import('./write-file-reports.ts');
  return writer.writeFileReports(input, reportsDir);
}
