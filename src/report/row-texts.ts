// The Norwegian texts a row's outcome is explained with, shared by the result workbook and the retry file so
// both say the same thing about the same row.

import type { Handling } from '../domain/types.ts';
import type { LedgerRow, RowStatus } from '../ledger/types.ts';

/** Rows that go into the retry file: stopped by the API, or not (surely) through yet. */
export const RETRY_STATUSES: readonly RowStatus[] = ['stopped', 'failed', 'pending', 'sending'];

/** Why a row hidden in the workbook is in Hoppet over. */
export const HIDDEN_ROW = 'Skjult rad i Excel – ikke sendt';
const DONE_BEFORE = 'Samme endring er gjort før – ikke sendt på nytt';

/** Why a row is in Hoppet over. */

export const NOT_SENT_YET = 'Ikke sendt ennå – prøves ved neste kjøring';
const NO_ANSWER = 'Sendt, men svaret kom ikke fram – sendes på nytt ved neste kjøring';
/** For a row that has used up its automatic retries: a person has to look at it. */
export const GIVEN_UP = 'prøves ikke automatisk igjen – sjekk feilen og legg raden i innboksen på nytt';

export function handlingText(handling: Handling | null): string {
  if (handling === 'OPPRETTE') return 'Opprette';
  if (handling === 'AVSLUTTE') return 'Avslutte';
  return '';
}

/** What went wrong with a failed, pending or sending row, without the HTTP status (it has its own column). */
export function failureText(row: LedgerRow): string {
  if (row.givenUp) {
    const earlier = row.errorMessage ?? row.errorCode ?? 'ikke sendt';
    return `${earlier} – prøvd i ${row.runs} kjøringer, ${GIVEN_UP}`;
  }
  if (row.status === 'pending') {
    // A row left pending may carry the error of an earlier run; that is worth seeing next to "not sent".
    return row.errorMessage ? `${NOT_SENT_YET} (forrige feil: ${row.errorMessage})` : NOT_SENT_YET;
  }
  if (row.status === 'sending') return row.errorMessage ?? NO_ANSWER;
  const failure = row.errorMessage ?? row.errorCode ?? 'Teknisk feil';
  // Staff who see only "failed" might make the change by hand, or drop the row again: it may well be done.
  return row.maybeSent ? `${failure} – ${MAYBE_THROUGH}` : failure;
}

export const MAYBE_THROUGH =
  'kan likevel ha gått gjennom; neste kjøring sender den igjen og regner «allerede slik» som vellykket';

function merknadText(kode: string, beskrivelse: string): string {
  return beskrivelse ? `${beskrivelse} (${kode})` : kode;
}

/** The one-line reason a row is in the retry file. */
export function retryReason(row: LedgerRow): string {
  if (row.status === 'stopped') {
    if (row.merknader.length === 0) return 'Stoppet av API-et';
    return row.merknader.map((m) => merknadText(m.kode, m.beskrivelse)).join('; ');
  }
  const status = row.httpStatus === null ? '' : ` (HTTP ${row.httpStatus})`;
  if (row.givenUp) return `Feilet: ${failureText(row)}${status}`;
  if (row.status === 'failed')
    return `Feilet: ${failureText(row)}${status} – prøves på nytt ved neste kjøring`;
  return failureText(row);
}

/**
 * Why a row in Hoppet over was not sent: hidden in the workbook, taken over by a newer file, or the same change
 * went through before.
 */
export function skipText(row: LedgerRow): string {
  if (row.skipReason === 'hidden') return HIDDEN_ROW;
  const newer = row.supersededBy;
  if (newer) {
    const taken = `Erstattet av ${newer.file}, rad ${newer.rowNumber}`;
    // It may have reached the register before it was superseded; the newer row then counts "already so" as ok.
    return row.maybeSent
      ? `${taken} (kan ha gått gjennom før; den raden regner «allerede slik» som vellykket)`
      : taken;
  }
  const earlier = row.skippedBecauseOf;
  return earlier ? `Samme endring gikk gjennom i ${earlier.file}, rad ${earlier.rowNumber}` : DONE_BEFORE;
}
