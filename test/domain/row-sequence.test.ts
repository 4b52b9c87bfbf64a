import { describe, expect, it } from 'vitest';
import {
  checkAgainstPrevious,
  identityKey,
  type PlateLast,
  plateLastOf,
} from '../../src/domain/row-sequence.ts';
import type {
  Etternavn,
  Fodselsnummer,
  Handling,
  Kjennemerke,
  LeasingtakerId,
  Organisasjonsnummer,
  ValidRow,
} from '../../src/domain/types.ts';
import { fnr, orgnr } from '../support/synthetic.ts';

const A: LeasingtakerId = { fodselsnummer: fnr({ day: 1, month: 5, year: 1970 }) as Fodselsnummer };
const B: LeasingtakerId = { fodselsnummer: fnr({ day: 2, month: 6, year: 1971 }) as Fodselsnummer };
const ORG: LeasingtakerId = { organisasjonsnummer: (orgnr('91234566') ?? '') as Organisasjonsnummer };

function row(rowNumber: number, handling: Handling, id: LeasingtakerId, etternavn?: string): ValidRow {
  return {
    kind: 'valid',
    rowNumber,
    request: {
      handling,
      kjennemerke: 'CU10001' as Kjennemerke,
      leasingtakerId: id,
      ...(etternavn !== undefined && { etternavn: etternavn as Etternavn }),
    },
    cells: [],
  };
}

describe('checkAgainstPrevious', () => {
  const refused: [string, ValidRow, ValidRow, string][] = [
    [
      'reports an exact duplicate of the previous row for the plate',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(5, 'OPPRETTE', A, 'Hansen'),
      'Gjentar rad 2: samme kjennemerke (CU10001), handling og leasingtaker. Ikke sendt, for det ville vært samme endring to ganger – rad 2 sendes som vanlig. Slett denne raden fra filen.',
    ],
    [
      'reports a duplicate whose surname differs only in case',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(5, 'OPPRETTE', A, 'HANSEN'),
      'Gjentar rad 2: samme kjennemerke (CU10001), handling og leasingtaker. Ikke sendt, for det ville vært samme endring to ganger – rad 2 sendes som vanlig. Slett denne raden fra filen.',
    ],
    [
      'reports a repeated AVSLUTTE',
      row(2, 'AVSLUTTE', A, 'Hansen'),
      row(3, 'AVSLUTTE', A, 'Hansen'),
      'Gjentar rad 2: samme kjennemerke (CU10001), handling og leasingtaker. Ikke sendt, for det ville vært samme endring to ganger – rad 2 sendes som vanlig. Slett denne raden fra filen.',
    ],
    [
      'reports a repeated organisation row without etternavn',
      row(2, 'OPPRETTE', ORG),
      row(3, 'OPPRETTE', ORG),
      'Gjentar rad 2: samme kjennemerke (CU10001), handling og leasingtaker. Ikke sendt, for det ville vært samme endring to ganger – rad 2 sendes som vanlig. Slett denne raden fra filen.',
    ],
    [
      'refuses a second OPPRETTE of another lessee without AVSLUTTE between',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(6, 'OPPRETTE', B, 'Berg'),
      'Rad 2 registrerer allerede en annen leasingtaker på CU10001; avslutt den først eller fjern en av radene',
    ],
    [
      'refuses a second OPPRETTE of the same lessee under another surname',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(6, 'OPPRETTE', A, 'Berg'),
      'Rad 2 registrerer allerede samme leasingtaker på CU10001 med et annet etternavn; fjern en av radene',
    ],
    [
      'refuses AVSLUTTE of a lessee other than the one the file registered',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(6, 'AVSLUTTE', ORG),
      'Rad 2 registrerer en annen leasingtaker på CU10001 enn den denne raden avslutter; rett leasingtakeren eller fjern en av radene',
    ],
    [
      'refuses a second AVSLUTTE of the same lessee under another surname',
      row(2, 'AVSLUTTE', A, 'Hansen'),
      row(6, 'AVSLUTTE', A, 'Berg'),
      'Rad 2 avslutter allerede samme leasingtaker på CU10001; fjern en av radene',
    ],
  ];
  it.each(refused)('%s', (_name, previous, current, reason) => {
    // An exact repeat is the whole row's problem; a conflict is the plate's.
    const column = reason.startsWith('Gjentar') ? 'Hele raden' : 'Kjennemerke';
    expect(checkAgainstPrevious(plateLastOf(previous), current)).toEqual({ column, reason });
  });

  const fine: [string, ValidRow | undefined, ValidRow][] = [
    ['accepts the first row for a plate', undefined, row(2, 'OPPRETTE', A, 'Hansen')],
    [
      'accepts OPPRETTE then AVSLUTTE of the same lessee',
      row(2, 'OPPRETTE', A, 'Hansen'),
      row(3, 'AVSLUTTE', A, 'Hansen'),
    ],
    [
      'accepts AVSLUTTE then OPPRETTE of a new lessee',
      row(2, 'AVSLUTTE', A, 'Hansen'),
      row(3, 'OPPRETTE', B, 'Berg'),
    ],
    [
      'accepts AVSLUTTE then OPPRETTE of the same lessee',
      row(2, 'AVSLUTTE', A, 'Hansen'),
      row(3, 'OPPRETTE', A, 'Hansen'),
    ],
    [
      'accepts AVSLUTTE of two different lessees',
      row(2, 'AVSLUTTE', A, 'Hansen'),
      row(3, 'AVSLUTTE', B, 'Berg'),
    ],
    [
      'accepts OPPRETTE then AVSLUTTE of the same lessee with the surname left out',
      row(2, 'OPPRETTE', ORG, 'Bil AS'),
      row(3, 'AVSLUTTE', ORG),
    ],
  ];
  it.each(fine)('%s', (_name, previous, current) => {
    expect(checkAgainstPrevious(previous && plateLastOf(previous), current)).toBeUndefined();
  });

  it("names the caller's plate column in a conflict's problem, and the whole row for a repeat", () => {
    const previous = plateLastOf(row(2, 'OPPRETTE', A, 'Hansen'));
    expect(checkAgainstPrevious(previous, row(3, 'OPPRETTE', B, 'Berg'), 'Reg.nr')?.column).toBe('Reg.nr');
    expect(checkAgainstPrevious(previous, row(3, 'OPPRETTE', A, 'Hansen'), 'Reg.nr')?.column).toBe(
      'Hele raden',
    );
  });
});

describe('plateLastOf and identityKey', () => {
  it('keeps only what the rule needs', () => {
    expect(plateLastOf(row(9, 'AVSLUTTE', ORG))).toEqual<PlateLast>({
      rowNumber: 9,
      handling: 'AVSLUTTE',
      identityKey: identityKey(ORG),
      etternavn: '',
    });
  });

  it('tells a fødselsnummer and an organisasjonsnummer with the same digits apart', () => {
    const digits = '0'.repeat(9);
    expect(identityKey({ fodselsnummer: digits as Fodselsnummer })).not.toBe(
      identityKey({ organisasjonsnummer: digits as Organisasjonsnummer }),
    );
  });
});
