// The LibreOffice-made workbooks of issue 14 (fixtures/make-office-fixtures.ts): read as LibreOffice shows them.

import { describe, expect, it } from 'vitest';
import { findColumns } from '../../src/domain/columns.ts';
import type { XlsxFleetFile } from '../../src/input/xlsx-reader.ts';
import { readAll } from '../support/input-files.ts';

const byColumns = { header: findColumns } as const;

describe('workbooks LibreOffice saved', () => {
  it('reads the fleet after a cover sheet, below a merged title, with 1904 dates right (flate-forside-tittelrader.xlsx)', async () => {
    const { file, headerRowNumber, rows } = await readAll(
      'fixtures/flate-forside-tittelrader.xlsx',
      byColumns,
    );
    const xlsx = file as XlsxFleetFile;
    expect([xlsx.sheet, xlsx.passedOver]).toEqual(['Biler', ['Forside']]);
    expect(headerRowNumber).toBe(4);
    expect(file.rowsAbove).toEqual([
      { rowNumber: 1, text: 'Flåteliste mars 2026' },
      { rowNumber: 2, text: 'Utarbeidet av: økonomi, 02.03.2026' },
    ]);
    expect(rows).toEqual([
      { rowNumber: 5, cells: ['CU10060', 'OPPRETTE', '03848510016', 'Ærøe', '02.03.2026'] },
      { rowNumber: 6, cells: ['CU10061', 'OPPRETTE', '07919210006', 'Østby', '15.03.2026'] },
      { rowNumber: 7, cells: ['CU10062', 'OPPRETTE', '12837510706', 'Firkant', '29.02.2024'] },
      { rowNumber: 8, cells: ['CU10063', 'OPPRETTE', '21878110096', 'Åsheim', '01.04.2026'] },
    ]);
  });

  it('marks the rows an autofilter and a hand hid, and reads the hidden column (flate-skjulte-rader.xlsx)', async () => {
    const { file, rows } = await readAll('fixtures/flate-skjulte-rader.xlsx', byColumns);
    expect((file as XlsxFleetFile).sheets).toEqual([
      { name: 'Flåte', hidden: false },
      { name: 'Koder', hidden: true },
    ]);
    expect(rows.map((r) => [r.rowNumber, r.cells[0], r.cells[2], r.hidden === true])).toEqual([
      [2, 'CU10070', '28909510726', false],
      [3, 'CU10071', '15816910002', true],
      [4, 'CU10072', '30859110076', false],
      [5, 'CU10073', '17828610074', true],
      [6, 'CU10074', '02928310003', false],
      [7, 'CU10075', '08887910007', true],
    ]);
  });

  it('reads title rows the same from the CSV and from LibreOffice’s .xlsx of it', async () => {
    const csv = await readAll('fixtures/flate-tittelrader.csv', byColumns);
    const xlsx = await readAll('fixtures/flate-tittelrader-fra-csv.xlsx', byColumns);
    for (const read of [csv, xlsx]) {
      expect(read.headerRowNumber).toBe(3);
      expect(read.file.rowsAbove).toEqual([{ rowNumber: 1, text: 'Flåteliste mars 2026' }]);
      expect(read.rows.map((r) => r.rowNumber)).toEqual([4, 5, 6]);
    }
    expect(csv.rows[0]?.cells).toEqual(['CU10065', 'OPPRETTE', '09869010054', 'Haugen']);
    // Opened with number recognition, the fødselsnummer became a number and lost its leading zero.
    expect(xlsx.rows[0]?.cells.slice(0, 3)).toEqual(['CU10077', 'OPPRETTE', '1827810092']);
  });
});
