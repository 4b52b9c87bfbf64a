import { describe, expect, it } from 'vitest';
import type { CsvFleetFile } from '../../src/input/csv-reader.ts';
import { readAll } from '../support/input-files.ts';

describe('the sample fleet files in fixtures/', () => {
  it('reads the Excel semicolon CSV in Windows-1252 with æøå and €', async () => {
    const { file, headers, rows } = await readAll('fixtures/flate-semikolon-windows1252.csv');
    expect((file as CsvFleetFile).encoding).toBe('windows-1252');
    expect((file as CsvFleetFile).delimiter).toBe(';');
    expect(headers).toEqual(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', 'Avdeling', 'Merknad']);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({
      rowNumber: 2,
      cells: ['CU10001', 'OPPRETTE', '03848510016', 'Ærøe', 'Salg Øst', ''],
    });
    expect(rows[1]?.cells[5]).toBe('Depositum 4 500 €');
    expect(rows[2]?.cells).toEqual([
      'CU 10003',
      'OPPRETTE',
      '12837510706',
      'Firkant',
      'Salg Øst',
      'Levert; nøkler i resepsjonen',
    ]);
    expect(rows[4]?.cells[5]).toBe('Kunden sa "haster"');
  });

  it('reads the comma CSV in UTF-8 with BOM, keeping row numbers after a cell with a line break', async () => {
    const { file, headers, rows } = await readAll('fixtures/flate-komma-utf8-bom.csv');
    expect((file as CsvFleetFile).encoding).toBe('utf-8');
    expect(headers).toEqual(['Reg.nr', 'Action', 'Fnr', 'Surname', 'Comment']);
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(rows[1]?.cells[4]).toBe('Leased via Oslo office, 36 months');
    expect(rows[3]?.cells[4]).toBe('Two lines:\nsecond line');
    expect(rows[4]?.cells).toEqual(['CU10015', 'OPPRETTE', '26897210044', 'Firkant', 'Café contract ✓']);
  });

  it('reads the file with invalid rows as raw rows (validation is the domain layer’s job)', async () => {
    const { rows } = await readAll('fixtures/flate-med-feil.csv');
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows[5]?.cells).toEqual(['CU10036', 'OPPRETTE', '15816910002', '']);
  });

  it('reads the LibreOffice workbook whose fødselsnummer lost their leading zeros', async () => {
    const { rows } = await readAll('fixtures/flate-tapte-nuller.xlsx');
    expect(rows.map((r) => r.cells[2])).toEqual([
      '3848510016',
      '',
      '1827810092',
      '12837510706',
      '9869010054',
      '',
      '7919210006',
      '21878110096',
    ]);
    expect(rows.map((r) => r.cells[3]).filter(Boolean)).toEqual(['311000012', '312000334']);
  });
});
