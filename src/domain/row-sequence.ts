import type { Handling, LeasingtakerId, RowProblem, ValidRow } from './types.ts';

/**
 * What the pipeline remembers about the last accepted row for one plate in the file. `identityKey` holds the
 * identity number: keep it in memory only, never log it.
 */
export interface PlateLast {
  readonly rowNumber: number;
  readonly handling: Handling;
  readonly identityKey: string;
  readonly etternavn: string;
}

/** A stable key for comparing lessees: the kind of number and the number. */
export function identityKey(id: LeasingtakerId): string {
  return 'fodselsnummer' in id ? `fnr:${id.fodselsnummer}` : `orgnr:${id.organisasjonsnummer}`;
}

export function plateLastOf(row: ValidRow): PlateLast {
  return {
    rowNumber: row.rowNumber,
    handling: row.request.handling,
    identityKey: identityKey(row.request.leasingtakerId),
    etternavn: row.request.etternavn ?? '',
  };
}

/** The "column" of a problem that is with the row as a whole (an exact repeat), not with one cell. */
export const WHOLE_ROW = 'Hele raden';

/**
 * Checks a row against the last accepted row for the same plate in the same file. The caller keeps one
 * `PlateLast` per plate and replaces it only with rows this returns no problem for, so a refused row never
 * becomes the reference for later ones. `column` is the plate column's header, for a conflict's problem (an
 * exact repeat is the whole row's).
 *
 * Refused: an exact repeat (it would be sent twice); OPPRETTE of another lessee, or of the same one under another
 * surname, while one is registered; AVSLUTTE of a lessee other than the one registered; the same AVSLUTTE twice.
 * Fine: OPPRETTE then AVSLUTTE of the same lessee, AVSLUTTE then OPPRETTE of anyone, AVSLUTTE of two lessees.
 */
export function checkAgainstPrevious(
  previous: PlateLast | undefined,
  row: ValidRow,
  column = 'Kjennemerke',
): RowProblem | undefined {
  if (previous === undefined) return undefined;
  const current = plateLastOf(row);
  const plate = row.request.kjennemerke;
  const sameLessee = current.identityKey === previous.identityKey;
  // Case differences in a surname don't make two rows different requests to a person reading them.
  const sameName = current.etternavn.toLocaleLowerCase('nb') === previous.etternavn.toLocaleLowerCase('nb');
  const n = previous.rowNumber;

  if (current.handling === previous.handling && sameLessee && sameName) {
    // Say what is the same and what to do: "Samme som rad 8" under "Kjennemerke" left staff looking for a
    // mistake in the plate. No cell is wrong: the row as a whole repeats another.
    return {
      column: WHOLE_ROW,
      reason:
        `Gjentar rad ${n}: samme kjennemerke (${plate}), handling og leasingtaker. Ikke sendt, for det ville ` +
        `vært samme endring to ganger – rad ${n} sendes som vanlig. Slett denne raden fra filen.`,
    };
  }
  if (previous.handling === 'OPPRETTE' && current.handling === 'OPPRETTE') {
    return {
      column,
      reason: sameLessee
        ? `Rad ${n} registrerer allerede samme leasingtaker på ${plate} med et annet etternavn; fjern en av radene`
        : `Rad ${n} registrerer allerede en annen leasingtaker på ${plate}; avslutt den først eller fjern en av radene`,
    };
  }
  if (previous.handling === 'OPPRETTE' && current.handling === 'AVSLUTTE' && !sameLessee) {
    return {
      column,
      reason: `Rad ${n} registrerer en annen leasingtaker på ${plate} enn den denne raden avslutter; rett leasingtakeren eller fjern en av radene`,
    };
  }
  if (previous.handling === 'AVSLUTTE' && current.handling === 'AVSLUTTE' && sameLessee) {
    return {
      column,
      reason: `Rad ${n} avslutter allerede samme leasingtaker på ${plate}; fjern en av radene`,
    };
  }
  return undefined;
}
