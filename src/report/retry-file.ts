// The retry file: the rows that did not get through, in the input's own columns and format plus `Årsak`, so
// staff can correct them in Excel and drop the file back into the inbox.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { type FleetFileFormat, fleetFileFormat } from '../input/file-format.ts';
import type { LedgerRow } from '../ledger/types.ts';
import { createWorkbookWriter, type TableColumn, TEXT_FORMAT } from './excel.ts';
import { Fitting, MAX_COLUMNS } from './excel-limits.ts';
import { openPrivateOutput } from './files.ts';
import { addedIdentityHeaders, isReasonColumn, REASON_HEADER } from './retry-columns.ts';
import { RETRY_STATUSES, retryReason } from './row-texts.ts';
import { writeTableSheet } from './table-sheet.ts';
import type { ReportInput } from './types.ts';

/**
 * Whether the retry file has room for `Årsak` (and the identity column a fix may need). A workbook already as
 * wide as Excel allows has none: its own columns matter more (the file must read back as it was), and the
 * reasons stand in the result workbook.
 */
export function retryHasReason(format: 'csv' | 'xlsx', headers: readonly string[]): boolean {
  if (format === 'csv') return true;
  const kept = headers.filter((header) => !isReasonColumn(header)).length;
  return kept + 1 <= MAX_COLUMNS;
}

/**
 * The retry file's header and a row's cells in it: the input's columns, the identity columns a fix may need,
 * then `Årsak`. A file that is itself a retry file already has `Årsak` (and those identity columns): its old
 * reason is dropped and the new one written at the end, so a row that fails three times does not collect three
 * reason columns, and nothing is added twice.
 */
function layout(
  headers: readonly string[],
  withReason: boolean,
): { headers: string[]; cells: (row: LedgerRow) => string[] } {
  if (!withReason) {
    // No room: the input's columns as they are, nothing added (see retryHasReason).
    return { headers: [...headers], cells: (row) => headers.map((_, i) => row.cells[i] ?? '') };
  }
  const kept = headers.flatMap((header, i) => (isReasonColumn(header) ? [] : [i]));
  // The identity columns a fix may need, where Excel has room for them beside Årsak.
  const added = addedIdentityHeaders(headers).slice(0, Math.max(0, MAX_COLUMNS - kept.length - 1));
  return {
    headers: [...kept.map((i) => headers[i] ?? ''), ...added, REASON_HEADER],
    cells: (row) => [...kept.map((i) => row.cells[i] ?? ''), ...added.map(() => ''), retryReason(row)],
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
 * The retry file's format: the input's, by the one rule (input/file-format.ts). The name decides rather than the
 * ledger's record, which an older version wrote as csv for an .xlsm.
 */
export function retryFileFormat(file: ReportInput['file']): FleetFileFormat {
  return fleetFileFormat(file.name) ?? file.format;
}

/**
 * Writes the retry file in the input's format; returns how many rows it holds (0: the caller drops it).
 * `fitting` counts what was changed to fit (see excel-limits.ts).
 */
export function writeRetryFile(input: ReportInput, path: string, fitting = new Fitting()): Promise<number> {
  return retryFileFormat(input.file) === 'csv'
    ? writeCsv(input, path, fitting)
    : writeXlsx(input, path, fitting);
}
