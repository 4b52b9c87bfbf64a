export type { ReportInput, ReportPaths } from './types.ts';
export { writeFileReports } from './write-file-reports.ts';
