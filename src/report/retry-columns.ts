// The columns the job adds to a retry file, so that it knows them again when the file comes back: the reason
// (`Årsak`, always the job's own) and the identity columns a fix may need (an organisation as lessee where the
// file had only Fødselsnummer, or the other way round).

import { findColumns } from '../domain/columns.ts';

export const REASON_HEADER = 'Årsak';

/** Header names the job writes for the identity columns it adds; `findColumns` recognises each of them. */
export const ADDED_HEADERS = {
  organisasjonsnummer: 'Organisasjonsnummer',
  fodselsnummer: 'Fødselsnummer',
  etternavn: 'Etternavn',
} as const;

/** Header comparison as staff see it: case and surrounding spaces don't make another column. */
export function sameHeader(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('nb') === b.trim().toLocaleLowerCase('nb');
}

/**
 * True for the reason column of a retry file. A column headed `Årsak` is the job's wherever it is found: it is
 * never read as data, the report leaves it out (the new report gives its own reasons), and the next retry
 * file writes it anew.
 */
export function isReasonColumn(header: string): boolean {
  return sameHeader(header, REASON_HEADER);
}

/**
 * Identity columns the retry file adds so that a fix has a place: a merknad may say to end another lessee
 * first, and that lessee may be an organisation in a file with only a Fødselsnummer column (or a person in a
 * file of organisations). A combined lessee column (`Leasingtaker`) takes both already. A file whose columns
 * can't be found gets nothing: it has no rows to retry.
 */
export function addedIdentityHeaders(headers: readonly string[]): string[] {
  const found = findColumns(headers.filter((header) => !isReasonColumn(header)));
  if (!found.ok || found.columns.leasingtakerId) return [];
  const { fodselsnummer, organisasjonsnummer, etternavn } = found.columns;
  if (fodselsnummer && !organisasjonsnummer) return [ADDED_HEADERS.organisasjonsnummer];
  if (organisasjonsnummer && !fodselsnummer) {
    // A Fødselsnummer column makes Etternavn required: without it the file would be refused whole.
    return etternavn ? [ADDED_HEADERS.fodselsnummer] : [ADDED_HEADERS.fodselsnummer, ADDED_HEADERS.etternavn];
  }
  return [];
}
