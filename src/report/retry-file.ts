// The retry file: the rows that did not get through, in the input's own columns and format plus `Årsak`, so
// staff can correct them in Excel and drop the file back into the inbox.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { LedgerRow } from '../ledger/types.ts';
import { createWorkbookWriter, type TableColumn, TEXT_FORMAT, writeTableSheet } from './excel.ts';
import { Fitting, MAX_COLUMNS } from './excel-limits.ts';
import { openPrivateOutput } from './files.ts';
import { RETRY_STATUSES, retryReason } from './row-texts.ts';
import type { ReportInput } from './types.ts';

export const REASON_HEADER = 'Årsak';

const reasonColumn = (headers: readonly string[]) =>
  headers.findIndex((h) => h.trim().toLowerCase() === REASON_HEADER.toLowerCase());

/**
 * Whether the retry file has room for `Årsak`. A workbook already as wide as Excel allows has none: its own
 * columns matter more (the file must read back as it was), and the reasons stand in the result workbook.
 */
export function retryHasReason(format: 'csv' | 'xlsx', headers: readonly string[]): boolean {
  return format === 'csv' || reasonColumn(headers) >= 0 || headers.length < MAX_COLUMNS;
}

/**
 * The retry file's header and a row's cells in it. A file that is itself a retry file already has `Årsak`:
 * its old reason is replaced, so a row that fails three times does not collect three reason columns.
 */
function layout(
  headers: readonly string[],
  withReason: boolean,
): { headers: string[]; cells: (row: LedgerRow) => string[] } {
  const existing = reasonColumn(headers);
  const reasonAt = !withReason ? -1 : existing >= 0 ? existing : headers.length;
  const out = existing >= 0 || !withReason ? [...headers] : [...headers, REASON_HEADER];
  return {
    headers: out,
    cells: (row) => {
      const cells = headers.map((_, i) => row.cells[i] ?? '');
      if (reasonAt >= 0) cells[reasonAt] = retryReason(row);
      return cells;
    },
  };
}

/**
 * OWASP's advice against CSV injection: a cell Excel would read as a formula (starting with = + - @, tab or
 * CR) gets a leading `'`. What we send never starts so (plates are letters and digits, identity numbers
 * digits, names letters), so the only cells it changes are staff's own notes and the like; a phone number
 * `+47…` comes back as `'+47…`. An xlsx needs none of this: there a string cell is never a formula.
 */
export function neutraliseForCsv(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

async function writeCsv(input: ReportInput, path: string, fitting: Fitting): Promise<number> {
  const { headers, cells } = layout(input.file.headers, true);
  const output = await openPrivateOutput(path);
  let count = 0;
  // A CSV cell has no length limit, but a NUL among the first bytes makes the file look binary when it is
  // dropped back in: the same characters as in the workbooks are replaced, and said so.
  const fit = (cell: string) => neutraliseForCsv(fitting.text(cell, false));
  function* records(): Generator<string[]> {
    yield headers.map(fit);
    for (const row of input.rowsWithStatus(RETRY_STATUSES)) {
      count++;
      yield cells(row).map(fit);
    }
  }
  // A BOM, because Excel reads a CSV without one as Windows-1252 and garbles æøå; CRLF as Excel writes it.
  const csv = stringify({ bom: true, delimiter: input.csvDelimiter ?? ';', record_delimiter: 'windows' });
  await pipeline(Readable.from(records()), csv, output.stream);
  await output.closed();
  return count;
}

async function writeXlsx(input: ReportInput, path: string, fitting: Fitting): Promise<number> {
  const { headers, cells } = layout(input.file.headers, retryHasReason('xlsx', input.file.headers));
  const columns: TableColumn<string[]>[] = headers.map((header, i) => ({
    header,
    maxWidth: header === REASON_HEADER ? 80 : 40,
    wrap: header === REASON_HEADER,
    numFmt: TEXT_FORMAT,
    fromInput: header !== REASON_HEADER,
    value: (row) => row[i] ?? null,
  }));
  const output = await openPrivateOutput(path);
  try {
    const workbook = createWorkbookWriter(output.stream);
    const rows = (function* () {
      for (const row of input.rowsWithStatus(RETRY_STATUSES)) yield cells(row);
    })();
    const count = await writeTableSheet(workbook, 'Rader', columns, rows, output, { fitting });
    await Promise.race([workbook.commit(), output.failed]);
    await output.closed();
    return count;
  } catch (error) {
    output.abort();
    throw error;
  }
}

/**
 * Writes the retry file in the input's format; returns how many rows it holds (0: the caller drops it).
 * `fitting` counts what was changed to fit (see excel-limits.ts).
 */
export function writeRetryFile(input: ReportInput, path: string, fitting = new Fitting()): Promise<number> {
  return input.file.format === 'csv' ? writeCsv(input, path, fitting) : writeXlsx(input, path, fitting);
}
