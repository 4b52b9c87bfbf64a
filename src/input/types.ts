import type { RawRow } from '../domain/types.ts';
import type { FleetFileFormat } from './file-format.ts';

/** A non-blank row above the header, left out of the reading: a title, "Utarbeidet av …". */
export interface RowAbove {
  readonly rowNumber: number;
  /** Its first texts, shortened, with anything that could be an identity number masked. */
  readonly text: string;
}

/** An opened fleet file: its header is read, its data rows are streamed on demand (once). */
export interface FleetFile {
  readonly path: string;
  readonly format: FleetFileFormat;
  /** Header cells as written in the file (trimmed), in column order. */
  readonly headers: readonly string[];
  readonly headerRowNumber: number;
  /** Non-blank rows above the header row, which are not read as data. */
  readonly rowsAbove: readonly RowAbove[];
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

/**
 * Whether a row can be the header: the domain's column rules (`findColumns` fits). On a miss it says how close
 * the row came, so that a file without a usable header gets a message naming the nearest row and what it lacks.
 */
export type HeaderCheck = (cells: readonly string[]) => HeaderVerdict;
export type HeaderVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** How many fields the row has a column for; 0 for a title or a data row. */
      readonly recognised: number;
      /** What it lacks, e.g. `kolonnen for handling (f.eks. "Handling")`. */
      readonly lacking: string;
      /** The row's texts, identity numbers masked. */
      readonly found: readonly string[];
    };

export interface OpenOptions {
  /** Worksheet name (xlsx only); default is the first visible sheet that has a header row (see `header`). */
  readonly sheet?: string;
  /** CSV only: whether the file is known to be complete (default true), see `CsvOpenOptions.complete`. */
  readonly complete?: boolean;
  /**
   * Which row is the header: the first of the first 20 non-blank rows that passes. Without it, the first
   * non-blank row is the header and the first visible sheet is read (the readers' tests use that).
   */
  readonly header?: HeaderCheck;
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
