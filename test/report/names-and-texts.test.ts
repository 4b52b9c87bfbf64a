import { describe, expect, it } from 'vitest';
import { wrappedLines } from '../../src/report/excel.ts';
import { localTimestamp, reportPrefix } from '../../src/report/files.ts';
import { whatNext } from '../../src/report/overview.ts';
import { neutraliseForCsv } from '../../src/report/retry-file.ts';
import { retryReason } from '../../src/report/row-texts.ts';
import { ledgerRow, reportInput } from '../support/report-input.ts';

describe('report names', () => {
  it('stamps the run in local time, without colons', () => {
    expect(localTimestamp(new Date(2025, 0, 5, 7, 8, 9))).toBe('2025-01-05T07-08-09');
  });

  it.each([
    ['flåte.csv', 'flåte.csv'],
    ['Flåteliste mars.2025.xlsx', 'Flåteliste mars.2025.xlsx'],
    ['uten-endelse', 'uten-endelse'],
    ['undermappe/flåte.csv', 'flåte.csv'],
    ['C:\\Users\\kari\\flåte.csv', 'flåte.csv'],
    ['.csv', 'csv'],
    ['..flåte.csv', 'flåte.csv'],
    // Two inputs that share a base name keep apart by their extensions.
    ['t09.ods', 't09.ods'],
    ['t09.xlsx', 't09.xlsx'],
  ])('takes %s as %s', (name, base) => {
    expect(reportPrefix(name, new Date(2025, 0, 5, 7, 8, 9))).toBe(`${base}.2025-01-05T07-08-09`);
  });

  it.each([
    // A retry file that comes back is named for its input, however many rounds it has been round.
    ['t14.csv.2026-12-01T08-05-01.igjen.csv', 't14.csv'],
    ['t14.csv.2026-12-01T08-05-01-2.igjen.csv', 't14.csv'],
    // Re-saved in the other format, or superseded and dropped anyway.
    ['t14.csv.2026-12-01T08-05-01.igjen.xlsx', 't14.csv'],
    ['t14.xlsx.2026-12-01T08-05-01.igjen.erstattet.xlsx', 't14.xlsx'],
    // Copies and names of the clerk's own after the mark.
    ['t14.csv.2026-12-01T08-05-01.igjen - Kopi.csv', 't14.csv'],
    ['t14.csv.2026-12-01T08-05-01.igjen (1).xlsx', 't14.csv'],
    ['t14.csv.2026-12-01T08-05-01.igjen-rettet.csv', 't14.csv'],
    // Named before the extension was kept: the retry file's own comes back.
    ['t14.2026-12-01T08-05-01.igjen.csv', 't14.csv'],
    ['t14.2026-12-01T08-05-01.igjen.2026-12-01T08-05-27.igjen.csv', 't14.csv'],
    // Not a retry file's name: taken as it is.
    ['igjen.csv', 'igjen.csv'],
    ['t14.igjen.csv', 't14.igjen.csv'],
    ['t14.2026-12-01.igjen.csv', 't14.2026-12-01.igjen.csv'],
    ['t14.csv.2026-12-01T08-05-01.igjenfunnet.csv', 't14.csv.2026-12-01T08-05-01.igjenfunnet.csv'],
  ])('names the reports of %s after %s', (name, base) => {
    expect(reportPrefix(name, new Date(2026, 11, 1, 9, 0, 0))).toBe(`${base}.2026-12-01T09-00-00`);
  });
});

describe('row heights', () => {
  it('counts line breaks and wrapping at spaces', () => {
    expect(wrappedLines('kort', 20)).toBe(1);
    expect(wrappedLines('en\nto\ntre', 20)).toBe(3);
    expect(wrappedLines('ord '.repeat(40).trim(), 20)).toBeGreaterThan(3);
    expect(wrappedLines('X'.repeat(100), 21)).toBe(6);
    expect(wrappedLines(null, 20)).toBe(1);
  });
});

describe('CSV injection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+47 22 00 00 00', "'+47 22 00 00 00"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    // What we send never starts so, and stays as it is.
    ['CU10001', 'CU10001'],
    ['63888700414', '63888700414'],
    ['Østby', 'Østby'],
    ['', ''],
    // Already neutralised (a retry file of a retry file): no second quote.
    ["'=1+1", "'=1+1"],
  ])('%j becomes %j', (cell, written) => {
    expect(neutraliseForCsv(cell)).toBe(written);
  });
});

describe('retry reasons', () => {
  it('lists every merknad with its code', () => {
    const row = ledgerRow(2, 'stopped', {
      merknader: [
        { kode: 'A', beskrivelse: 'Første' },
        { kode: 'B', beskrivelse: '' },
      ],
    });
    expect(retryReason(row)).toBe('Første (A); B');
  });

  it('says a pending row was never sent, and keeps an earlier error', () => {
    expect(retryReason(ledgerRow(2, 'pending'))).toBe('Ikke sendt ennå – prøves ved neste kjøring');
    expect(retryReason(ledgerRow(2, 'pending', { errorMessage: 'Tidsavbrudd' }))).toBe(
      'Ikke sendt ennå – prøves ved neste kjøring (forrige feil: Tidsavbrudd)',
    );
  });

  it('says an unanswered row will be sent again', () => {
    expect(retryReason(ledgerRow(2, 'sending'))).toMatch(/svaret kom ikke fram/);
  });
});

describe('Hva nå?', () => {
  it('says stopped rows go out again each time the file is dropped again', () => {
    const input = reportInput([ledgerRow(2, 'stopped'), ledgerRow(3, 'invalid')]);
    const [stopped, invalid] = whatNext(input, 'flåte.csv.2025-03-04T09-00-01.igjen.csv');
    expect(stopped).toMatch(/^Stoppet: radene står i flåte\.csv\.2025-03-04T09-00-01\.igjen\.csv/);
    expect(stopped).toContain('Radene sendes på nytt hver gang filen legges i innboksen');
    expect(stopped).toContain('uten at noe er rettet, blir svaret det samme');
    // Dropping the original again sends its stopped rows again too.
    expect(invalid).toContain('rader som ble stoppet, sendes på nytt');
  });
});
