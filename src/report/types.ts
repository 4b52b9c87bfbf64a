import type { FileRecord, LedgerRow, OutcomeCounts, RowRange, RowStatus } from '../ledger/types.ts';

/** Everything the report stage needs about one input file after a run. */
export interface ReportInput {
  /** The file: name, format, header texts, owner (organisasjonsnummer or ''), file-level error or null. */
  readonly file: FileRecord;
  /** Start of the run; also the timestamp in the report's file names (local time). */
  readonly runStartedAt: Date;
  readonly runFinishedAt: Date;
  /** Rows per outcome; `failed` includes rows left pending, and `rows` is the sum of the five outcomes. */
  readonly counts: OutcomeCounts;
  /** How many of `counts.failed` were never tried (left pending, e.g. after the circuit breaker opened). */
  readonly pending: number;
  /** How many of `counts.skipped` were hidden in the workbook (filtered out or hidden by hand). */
  readonly hidden?: number;
  /** How many of `counts.skipped` a newer file superseded (it repeats their change). Default 0. */
  readonly superseded?: number;
  /** How many of `counts.failed` have used up their automatic retries and need a person. */
  readonly givenUp?: number;
  /**
   * The file's rows with one of these statuses, in row order (within `range` if given). Called once per sheet
   * and once for the retry file, iterated once each, lazily: a file may hold 200,000 rows, so nothing here
   * collects them.
   */
  rowsWithStatus(statuses: readonly RowStatus[], range?: RowRange): Iterable<LedgerRow>;
  /** A note for the Oppsummering sheet, e.g. "Kjøringen ble stoppet fordi API-et ikke svarte". */
  readonly notice?: string;
  /** The input's CSV delimiter, so the retry file is written the same way. Default `;`. */
  readonly csvDelimiter?: string;
}

/** Where the reports ended up (full paths). `retry` is null when no row needs another try. */
export interface ReportPaths {
  readonly xlsx: string;
  readonly summary: string;
  readonly retry: string | null;
}
