import { describe, expect, it } from 'vitest';
import { type ColumnMap, findColumns } from '../../src/domain/columns.ts';

function columnsOf(headers: string[]): ColumnMap {
  const result = findColumns(headers);
  if (!result.ok) throw new Error(result.message);
  return result.columns;
}

describe('findColumns recognises', () => {
  const cases: [string, string[], Partial<Record<keyof ColumnMap, number>>][] = [
    [
      'the API words',
      ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn'],
      { kjennemerke: 0, handling: 1, fodselsnummer: 2, etternavn: 3 },
    ],
    [
      'the short Norwegian forms staff use',
      ['Reg.nr', 'Fnr', 'Org.nr', 'Etternavn', 'Handling'],
      { kjennemerke: 0, fodselsnummer: 1, organisasjonsnummer: 2, etternavn: 3, handling: 4 },
    ],
    [
      'English headers',
      ['License plate', 'Action', 'National ID', 'Organization number', 'Last name'],
      { kjennemerke: 0, handling: 1, fodselsnummer: 2, organisasjonsnummer: 3, etternavn: 4 },
    ],
    [
      'headers with odd case, accents, underscores, hyphens and a parenthesised note',
      ['  REG_NR ', 'handling', 'Fødsels-nummer (11 siffer)', 'Leasingtaker navn'],
      { kjennemerke: 0, handling: 1, fodselsnummer: 2, etternavn: 3 },
    ],
    [
      'one combined leasingtaker column',
      ['Regnr', 'Leasingtaker', 'Navn', 'Handling'],
      { kjennemerke: 0, leasingtakerId: 1, etternavn: 2, handling: 3 },
    ],
    [
      'an organisations-only file without etternavn',
      ['Kjennemerke', 'Orgnr', 'Handling'],
      { kjennemerke: 0, organisasjonsnummer: 1, handling: 2 },
    ],
    [
      'the more specific name when two columns match (Etternavn over Navn)',
      ['Navn', 'Kjennemerke', 'Handling', 'Fnr', 'Etternavn'],
      { etternavn: 4, kjennemerke: 1, handling: 2, fodselsnummer: 3 },
    ],
    [
      'the leftmost of two equally good columns',
      ['Fnr', 'Kjennemerke', 'Handling', 'Fnr', 'Etternavn'],
      { fodselsnummer: 0, kjennemerke: 1, handling: 2, etternavn: 4 },
    ],
    [
      "a generic ID column as the fleet's own number when there is a fødselsnummer column",
      ['ID', 'Kjennemerke', 'Handling', 'Fnr', 'Etternavn'],
      { kjennemerke: 1, handling: 2, fodselsnummer: 3, etternavn: 4 },
    ],
  ];
  it.each(cases)('%s', (_name, headers, expected) => {
    const columns = columnsOf(headers);
    const indexes = Object.fromEntries(Object.entries(columns).map(([field, ref]) => [field, ref.index]));
    expect(indexes).toEqual(expected);
  });

  it('keeps each header as written for messages', () => {
    expect(columnsOf(['  Reg. nr ', 'Handling', 'Fnr', 'Etternavn']).kjennemerke).toEqual({
      index: 0,
      header: 'Reg. nr',
    });
  });

  it('warns about a second column that matched a field and was not used', () => {
    const result = findColumns(['Fnr', 'Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
    expect(result.ok && result.warnings).toEqual([
      'Flere kolonner kan være fødselsnummer: bruker "Fnr", ikke "Fødselsnummer"',
    ]);
  });

  it('warns that a combined id column is ignored next to a fødselsnummer column', () => {
    const result = findColumns(['ID', 'Kjennemerke', 'Handling', 'Fnr', 'Etternavn']);
    expect(result.ok && result.warnings).toEqual([
      'Kolonnen "ID" brukes ikke: leasingtaker leses fra egne kolonner',
    ]);
  });
});

describe('findColumns refuses', () => {
  it('names the missing column and lists the headers found', () => {
    const result = findColumns(['Bil', 'Fnr', 'Etternavn', 'Handling']);
    expect(result).toEqual({
      ok: false,
      missing: ['kjennemerke'],
      found: ['Bil', 'Fnr', 'Etternavn', 'Handling'],
      recognised: 3,
      lacking: 'kolonnen for kjennemerke (f.eks. "Kjennemerke" eller "Reg.nr")',
      message:
        'Fant ikke kolonnen for kjennemerke (f.eks. "Kjennemerke" eller "Reg.nr"). Fant disse kolonnene: "Bil", "Fnr", "Etternavn", "Handling".',
    });
  });

  const cases: [string, string[], string[]][] = [
    ['a file without a handling column', ['Regnr', 'Fnr', 'Etternavn'], ['handling']],
    [
      'a file without any identity column',
      ['Regnr', 'Handling', 'Etternavn'],
      ['leasingtakers fødselsnummer eller organisasjonsnummer'],
    ],
    ['a person file without etternavn', ['Regnr', 'Handling', 'Fnr'], ['etternavn']],
    ['a file with both id kinds but no etternavn', ['Regnr', 'Handling', 'Fnr', 'Orgnr'], ['etternavn']],
    ['a combined id file without etternavn', ['Regnr', 'Handling', 'Leasingtaker'], ['etternavn']],
    [
      'an empty header row',
      [],
      ['kjennemerke', 'handling', 'leasingtakers fødselsnummer eller organisasjonsnummer', 'etternavn'],
    ],
  ];
  it.each(cases)('%s', (_name, headers, missing) => {
    const result = findColumns(headers);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.missing).toEqual(missing);
  });

  it('joins several missing fields in one sentence', () => {
    const result = findColumns(['Bil', 'Person']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/^Fant ikke kolonnene for kjennemerke .*, handling .* og etternavn/);
      expect(result.message).toContain('Fant disse kolonnene: "Bil", "Person".');
    }
  });

  it('says so when the header row is empty', () => {
    const result = findColumns(['', ' ']);
    expect(!result.ok && result.message).toContain('Overskriftsraden er tom.');
  });
});

describe('findColumns on a file without a header row', () => {
  // The first row is data: its cells are personal data (a surname can't be told from a header by its look), so
  // none is echoed; the message says the header row is missing.
  const dataRows: [string, string[]][] = [
    ['a full data row', ['CU10001', 'OPPRETTE', '63888700414', 'Firkant']],
    ['a plate with a space and a surname', ['cu 10001', 'Firkant']],
    ['an action word and a surname', ['Firkant', 'avslutt']],
    ['a spaced-out number and a surname', ['638887 00414', 'Firkant']],
    ['an organisasjonsnummer with spaces', ['NO 912 345 678 MVA', 'Firkant AS']],
  ];
  it.each(dataRows)('echoes no cell of %s', (_name, cells) => {
    const result = findColumns(cells);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.found).toEqual([]);
    expect(result.message).toContain('filen mangler overskriftsraden');
    for (const cell of cells) expect(result.message).not.toContain(cell);
    expect(result.message).not.toContain('Firkant');
  });

  it.each([
    [['Regnr', 'Handling', 'Kunde', 'Fnr']],
    [['Regnr', 'Handling', 'Fnr', 'Ny']],
    [['Bil', 'Fødselsnummer (11 siffer)', 'Etternavn', 'Handling']],
  ])('still lists the headers of a header row that lacks a column: %j', (headers) => {
    const result = findColumns(headers);
    expect(result.ok === false && result.found).toEqual(headers);
  });
});
