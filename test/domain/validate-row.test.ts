import { describe, expect, it } from 'vitest';
import { type ColumnMap, findColumns } from '../../src/domain/columns.ts';
import type { CheckedRow, RowProblem } from '../../src/domain/types.ts';
import { validateRow } from '../../src/domain/validate-row.ts';
import { fnr, orgnr } from '../support/synthetic.ts';

function columnsOf(headers: string[]): ColumnMap {
  const result = findColumns(headers);
  if (!result.ok) throw new Error(result.message);
  return result.columns;
}

const SEPARATE = columnsOf(['Reg.nr', 'Handling', 'Fnr', 'Org.nr', 'Etternavn', 'Merknad']);
const COMBINED = columnsOf(['Kjennemerke', 'Handling', 'Leasingtaker', 'Etternavn']);
const ORG_ONLY = columnsOf(['Kjennemerke', 'Handling', 'Orgnr']);

const person = fnr({ day: 14, month: 2, year: 1979 });
const personLeadingZero = fnr({ day: 3, month: 7, year: 1968 });
const org = orgnr('91234566') ?? '';

function problemsOf(checked: CheckedRow): readonly RowProblem[] {
  return checked.kind === 'invalid' ? checked.problems : [];
}

describe('validateRow', () => {
  it('builds the request for a fully valid person row and keeps every cell', () => {
    const cells = ['cu 10001', 'opprett', person, '', ' Firkant ', 'kunde 17'];
    expect(validateRow({ rowNumber: 2, cells }, SEPARATE)).toEqual({
      kind: 'valid',
      rowNumber: 2,
      request: {
        handling: 'OPPRETTE',
        kjennemerke: 'CU10001',
        leasingtakerId: { fodselsnummer: person },
        etternavn: 'Firkant',
      },
      cells,
    });
  });

  it('builds the request for a valid organisation row without etternavn', () => {
    const checked = validateRow({ rowNumber: 3, cells: ['AB 12345', 'AVSLUTTE', '', org, ''] }, SEPARATE);
    expect(checked.kind === 'valid' && checked.request).toEqual({
      handling: 'AVSLUTTE',
      kjennemerke: 'AB12345',
      leasingtakerId: { organisasjonsnummer: org },
    });
  });

  it('sends a company name in the etternavn column for an organisation', () => {
    const checked = validateRow({ rowNumber: 3, cells: ['AB12345', 'ny', '', org, 'Bil & Co AS'] }, SEPARATE);
    expect(checked.kind === 'valid' && checked.request.etternavn).toBe('Bil & Co AS');
  });

  it('reads an organisations-only file with no etternavn column', () => {
    const checked = validateRow({ rowNumber: 2, cells: ['AB12345', 'ny', org] }, ORG_ONLY);
    expect(checked.kind).toBe('valid');
  });

  it('restores the leading zero a fødselsnummer lost in Excel', () => {
    const checked = validateRow(
      { rowNumber: 4, cells: ['CU10001', 'OPPRETTE', personLeadingZero.slice(1), '', 'Hansen'] },
      SEPARATE,
    );
    expect(checked.kind === 'valid' && checked.request.leasingtakerId).toEqual({
      fodselsnummer: personLeadingZero,
    });
  });

  const combined: [string, string, object][] = [
    ['11 digits as a person', person, { fodselsnummer: person }],
    [
      '10 digits as a person that lost its leading zero',
      personLeadingZero.slice(1),
      { fodselsnummer: personLeadingZero },
    ],
    ['9 digits as an organisation', org, { organisasjonsnummer: org }],
    ['the MVA form as an organisation', `NO ${org} MVA`, { organisasjonsnummer: org }],
  ];
  it.each(combined)('reads a combined leasingtaker column with %s', (_name, id, expected) => {
    const checked = validateRow({ rowNumber: 5, cells: ['CU10001', 'OPPRETTE', id, 'Hansen'] }, COMBINED);
    expect(checked.kind === 'valid' && checked.request.leasingtakerId).toEqual(expected);
  });

  const invalid: [string, string[], ColumnMap, RowProblem[]][] = [
    [
      'reports all 3 problems of a row, each with its column header',
      ['CU#1', 'endre', `${person.slice(0, 10)}${(Number(person[10]) + 1) % 10}`, '', 'Firkant'],
      SEPARATE,
      [
        { column: 'Reg.nr', reason: 'Kjennemerket kan bare ha bokstavene A–Å og sifre (fant «#»)' },
        { column: 'Handling', reason: expect.stringContaining('Ukjent handling') },
        { column: 'Fnr', reason: 'Kontrollsifrene stemmer ikke – sjekk for skrivefeil' },
      ],
    ],
    [
      'refuses a row with both fødselsnummer and organisasjonsnummer',
      ['CU10001', 'OPPRETTE', person, org, 'Firkant'],
      SEPARATE,
      [
        {
          column: 'Fnr / Org.nr',
          reason: 'Fyll ut enten fødselsnummer eller organisasjonsnummer, ikke begge',
        },
      ],
    ],
    [
      'refuses a row with no leasingtaker at all',
      ['CU10001', 'OPPRETTE', ' ', '', 'Firkant'],
      SEPARATE,
      [
        {
          column: 'Fnr / Org.nr',
          reason: 'Leasingtaker mangler – fyll ut fødselsnummer eller organisasjonsnummer',
        },
      ],
    ],
    [
      'requires etternavn for a person',
      ['CU10001', 'OPPRETTE', person, '', ''],
      SEPARATE,
      [{ column: 'Etternavn', reason: 'Etternavn mangler – det må fylles ut for en person' }],
    ],
    [
      'requires etternavn for a person even when the fødselsnummer is wrong, so both are reported at once',
      ['CU10001', 'OPPRETTE', person.slice(0, 9), '', ''],
      SEPARATE,
      [
        { column: 'Fnr', reason: 'Fødselsnummer må ha 11 siffer (fant 9)' },
        { column: 'Etternavn', reason: 'Etternavn mangler – det må fylles ut for en person' },
      ],
    ],
    [
      'requires etternavn for a person in a combined column',
      ['CU10001', 'OPPRETTE', person, ''],
      COMBINED,
      [{ column: 'Etternavn', reason: 'Etternavn mangler – det må fylles ut for en person' }],
    ],
    [
      'refuses a combined id of another length',
      ['CU10001', 'OPPRETTE', '1234567', 'Hansen'],
      COMBINED,
      [
        {
          column: 'Leasingtaker',
          reason:
            'Leasingtaker må være et fødselsnummer (11 siffer) eller et organisasjonsnummer (9 siffer) (fant 7 siffer)',
        },
      ],
    ],
    [
      'refuses a name in the combined id column',
      ['CU10001', 'OPPRETTE', 'Hansen', 'Hansen'],
      COMBINED,
      [{ column: 'Leasingtaker', reason: expect.stringContaining('bare siffer') }],
    ],
    [
      'refuses a surname with a digit for a person',
      ['CU10001', 'OPPRETTE', person, '', 'Hansen2'],
      SEPARATE,
      [{ column: 'Etternavn', reason: expect.stringContaining('(fant «2»)') }],
    ],
    [
      'treats missing trailing cells as empty',
      ['CU10001'],
      SEPARATE,
      [
        { column: 'Handling', reason: expect.stringContaining('Handling mangler') },
        { column: 'Fnr / Org.nr', reason: expect.stringContaining('Leasingtaker mangler') },
      ],
    ],
  ];
  it.each(invalid)('%s', (_name, cells, columns, problems) => {
    const checked = validateRow({ rowNumber: 7, cells }, columns);
    expect(checked.kind).toBe('invalid');
    expect(checked.rowNumber).toBe(7);
    expect(checked.cells).toBe(cells);
    expect(problemsOf(checked)).toEqual(problems);
    // Problems reach the report and the console: no identity number in them.
    for (const problem of problemsOf(checked)) expect(problem.reason).not.toContain(person.slice(0, 6));
  });
});

describe('a number of the other kind in an identity column', () => {
  const FNR_ONLY = columnsOf(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
  const RETRY = columnsOf(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', 'Organisasjonsnummer']);
  const ORGS = columnsOf(['Kjennemerke', 'Handling', 'Orgnr']);
  it.each([
    [
      'an organisasjonsnummer where the file has no column for it',
      ['LT10001', 'AVSLUTTE', org, ''],
      FNR_ONLY,
      'Fødselsnummer',
      /^Dette er et organisasjonsnummer \(9 siffer\), ikke et fødselsnummer – legg til en kolonne «Organisasjonsnummer» og flytt det dit$/,
    ],
    [
      'an organisasjonsnummer beside an empty Organisasjonsnummer column',
      ['LT10001', 'AVSLUTTE', org.replace(/(\d{3})/g, '$1 ').trim(), '', ''],
      RETRY,
      'Fødselsnummer',
      /– flytt det til kolonnen «Organisasjonsnummer»$/,
    ],
    [
      'a fødselsnummer in an organisations-only file',
      ['LT10001', 'OPPRETTE', person],
      ORGS,
      'Orgnr',
      /^Dette er et fødselsnummer \(11 siffer\), ikke et organisasjonsnummer – legg til kolonnene «Fødselsnummer» og «Etternavn» og flytt det dit$/,
    ],
    [
      'a fødselsnummer that lost its leading zero, in an organisations-only file',
      ['LT10001', 'OPPRETTE', personLeadingZero.slice(1)],
      ORGS,
      'Orgnr',
      /^Dette er et fødselsnummer \(11 siffer\), ikke et organisasjonsnummer/,
    ],
    [
      'a fødselsnummer in the Org.nr column beside Fnr',
      ['CU10001', 'OPPRETTE', '', person, 'Firkant', ''],
      SEPARATE,
      'Org.nr',
      /– flytt det til kolonnen «Fnr»$/,
    ],
  ])('%s says where it belongs', (_name, cells, columns, column, reason) => {
    const problems = problemsOf(validateRow({ rowNumber: 4, cells }, columns));
    // One problem: no "Etternavn mangler" for an organisation's number in a person's column.
    expect(problems).toEqual([{ column, reason: expect.stringMatching(reason) }]);
    expect(problems[0]?.reason).not.toContain(org);
  });

  it('keeps the digit count for nine digits that are no organisasjonsnummer', () => {
    const problems = problemsOf(
      validateRow({ rowNumber: 4, cells: ['CU10001', 'OPPRETTE', '123456789', 'X'] }, FNR_ONLY),
    );
    expect(problems).toEqual([{ column: 'Fødselsnummer', reason: 'Fødselsnummer må ha 11 siffer (fant 9)' }]);
  });
});
