import { describe, expect, it } from 'vitest';
import { fleetFileFormat } from '../../src/input/file-format.ts';

describe('fleetFileFormat: one rule for the claim, the reader and the retry file', () => {
  const cases: [string, 'csv' | 'xlsx' | undefined][] = [
    ['mars.csv', 'csv'],
    ['MARS.CSV', 'csv'],
    ['mars.xlsx', 'xlsx'],
    ['Mars.XLSX', 'xlsx'],
    ['makro.xlsm', 'xlsx'],
    ['/data/archive/912345678/2026-03-02/2026-03-02T09-14-00-mars.xlsm', 'xlsx'],
    ['kunde 03899274716.csv', 'csv'],
    ['flate.2026.csv', 'csv'],
    // Refused by the reader, with what to save them as.
    ['gammel.xls', undefined],
    ['binaer.xlsb', undefined],
    ['mal.xltx', undefined],
    ['libre.ods', undefined],
    ['liste.txt', undefined],
    ['liste.tsv', undefined],
    ['uten-endelse', undefined],
    ['.csv', undefined],
    ['/data/inbox.csv/mars', undefined],
  ];
  it.each(cases)('%s → %s', (name, format) => {
    expect(fleetFileFormat(name)).toBe(format);
  });
});
