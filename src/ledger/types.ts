import type { LeasingtakerEntity, Merknad } from '../domain/outcome.ts';
import type { Handling, RowProblem } from '../domain/types.ts';

/**
 * Where a row stands. `pending` has no outcome yet; `sending` was handed to the API and may have reached it
 * (after a crash such a row is sent again as "maybe sent before"); the rest are outcomes.
 */
export type RowStatus = 'pending' | 'sending' | 'ok' | 'stopped' | 'failed' | 'invalid' | 'skipped';

/** Rows numbered between `after` and `before`, both left out; either end open when not given. */
export interface RowRange {
  readonly after?: number;
  readonly before?: number;
}

export type FileStatus = 'reading' | 'sending' | 'done' | 'unreadable';

export interface FileRecord {
  readonly id: number;
  /** The fleet owner's organisasjonsnummer for delegated files; '' for the installation's own organisation. */
  readonly owner: string;
  /** The file's name as staff dropped it. */
  readonly name: string;
  /** Where the file is now (the archive), for re-reading after a crash. */
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  readonly status: FileStatus;
  readonly headers: readonly string[];
  /** Header row number in the input; data rows start after it. */
  readonly headerRowNumber: number;
  readonly error: string | null;
  readonly receivedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** How many runs have worked on this file (automatic retries stop after a configured number). */
  readonly runs: number;
  /** The file changed after it was taken (a copy still being written): rows that came later were read too. */
  readonly grew?: boolean;
  /** Where in the file the table was found; absent for files read before it was recorded. */
  readonly layout?: FileLayout;
}

/** Where in a fleet file its table was found, for the report to say what was left out. */
export interface FileLayout {
  /** The worksheet read (xlsx). */
  readonly sheet?: string;
  /** Visible sheets before it without a header row (a cover sheet). */
  readonly passedOver?: readonly string[];
  /** Visible sheets after it that have a header row too, and were not read. */
  readonly alsoWithColumns?: readonly string[];
  /** Non-blank rows above the header row, not read as data. */
  readonly rowsAbove?: readonly { readonly rowNumber: number; readonly text: string }[];
}

/** One row as the report and `history` read it back. */
export interface LedgerRow {
  readonly fileId: number;
  readonly rowNumber: number;
  /** The normalised plate when it parsed, else the cell as written. */
  readonly kjennemerke: string;
  readonly handling: Handling | null;
  readonly cells: readonly string[];
  readonly status: RowStatus;
  readonly attempts: number;
  readonly runs: number;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** What the API answered for a row that went through: the vehicle data staff check in the report. */
  readonly answer: LeasingtakerEntity | null;
  readonly alreadySo: boolean;
  readonly merknader: readonly Merknad[];
  readonly problems: readonly RowProblem[];
  /** For a skipped row: when the same change succeeded before. */
  readonly skippedBecauseOf: {
    readonly file: string;
    readonly rowNumber: number;
    readonly at: string;
  } | null;
  /** For a row closed because a newer file repeats its change: that file and row (status skipped). */
  readonly supersededBy?: { readonly file: string; readonly rowNumber: number } | null;
  /** An attempt may have reached the API; a resend's "already so" then counts as ok. */
  readonly maybeSent?: boolean;
  readonly updatedAt: string;
  /** Why a skipped row was skipped, when not because the same change went through before. */
  readonly skipReason?: 'hidden';
  /** Set by the run for a row without an outcome that has used up its automatic retries (LEASINGTAKER_MAX_RUNS). */
  readonly givenUp?: boolean;
}

export type OutcomeCounts = Record<'rows' | 'ok' | 'stopped' | 'failed' | 'invalid' | 'skipped', number>;
