// Types that make an invalid row impossible to send: the branded identifiers can only be produced by the
// parsers in this folder, and only a ValidRow carries a LeasingtakerRequest.

declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/** A normalised registration plate: upper case, no spaces or hyphens (`CU10001`). */
export type Kjennemerke = Brand<string, 'Kjennemerke'>;
/** 11 digits with valid date part and control digits. Personal data: never log it. */
export type Fodselsnummer = Brand<string, 'Fodselsnummer'>;
/** 9 digits with a valid mod-11 control digit. */
export type Organisasjonsnummer = Brand<string, 'Organisasjonsnummer'>;
/** A trimmed, non-empty surname (or company name for an organisation). */
export type Etternavn = Brand<string, 'Etternavn'>;

export type Handling = 'OPPRETTE' | 'AVSLUTTE';

export type LeasingtakerId =
  | { readonly fodselsnummer: Fodselsnummer }
  | { readonly organisasjonsnummer: Organisasjonsnummer };

/** The body of one POST to the Leasingtaker-API. */
export interface LeasingtakerRequest {
  readonly handling: Handling;
  readonly kjennemerke: Kjennemerke;
  readonly leasingtakerId: LeasingtakerId;
  /** Required for a person; optional for an organisation. */
  readonly etternavn?: Etternavn;
}

/** What a domain parser returns: a typed value, or a reason a person can act on (no personal data in it). */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** One problem with one cell of a row. `column` is the header text as it stands in the user's file. */
export interface RowProblem {
  readonly column: string;
  readonly reason: string;
}

export interface ValidRow {
  readonly kind: 'valid';
  /** The row number as Excel shows it (header = 1). */
  readonly rowNumber: number;
  readonly request: LeasingtakerRequest;
  /** Every cell of the input row, as read, for the report and the retry file. */
  readonly cells: readonly string[];
}

export interface InvalidRow {
  readonly kind: 'invalid';
  readonly rowNumber: number;
  /** Every reason the row can't be sent, not just the first. */
  readonly problems: readonly RowProblem[];
  readonly cells: readonly string[];
}

export type CheckedRow = ValidRow | InvalidRow;

/** One data row of a fleet file, as the user sees it: what the readers (input/) hand to the rules here. */
export interface RawRow {
  /** The row number Excel shows for this row (the header row is 1 in a file that starts with it). */
  readonly rowNumber: number;
  /** Cell texts in header order; missing trailing cells are ''. Numbers and dates as the user sees them. */
  readonly cells: readonly string[];
  /** Hidden in the workbook (filtered out, or hidden by hand): the clerk did not see it, so it is not sent. */
  readonly hidden?: boolean;
}
