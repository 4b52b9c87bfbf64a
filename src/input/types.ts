/** One data row of a fleet file, as the user sees it. */
export interface RawRow {
  /** The row number Excel shows for this row (the header row is 1 in a file that starts with it). */
  readonly rowNumber: number;
  /** Cell texts in header order; missing trailing cells are ''. Numbers and dates as the user sees them. */
  readonly cells: readonly string[];
}

export type FleetFileFormat = 'csv' | 'xlsx';

/** An opened fleet file: its header is read, its data rows are streamed on demand (once). */
export interface FleetFile {
  readonly path: string;
  readonly format: FleetFileFormat;
  /** Header cells as written in the file (trimmed), in column order. */
  readonly headers: readonly string[];
  readonly headerRowNumber: number;
  /** Data rows in file order; blank rows are skipped but still counted in row numbers. */
  readonly rows: AsyncIterable<RawRow>;
  /**
   * A CSV opened as possibly incomplete (`complete: false`): true once `rows` is read when a last line without
   * a line end was left unread. Absent or false otherwise.
   */
  readonly lastLineHeldBack?: boolean;
  /** Stops reading and frees the file (temp files, streams). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Worksheet name (xlsx only); default is the first visible sheet. */
  readonly sheet?: string;
  /** CSV only: whether the file is known to be complete (default true), see `CsvOpenOptions.complete`. */
  readonly complete?: boolean;
}

/** A file we can't read at all. The message is written for back-office staff and holds no personal data. */
export class FleetFileError extends Error {
  override readonly name = 'FleetFileError';
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}
