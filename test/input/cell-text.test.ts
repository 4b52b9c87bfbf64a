import { describe, expect, it } from 'vitest';
import { cellText, formatDate, formatNumber, isDateFormat } from '../../src/input/cell-text.ts';

describe('numbers as the user sees them', () => {
  it.each([
    [1234567890, undefined, '1234567890'],
    [12345678901, 'General', '12345678901'],
    [311000012, '0', '311000012'],
    [1234567890, '00000000000', '01234567890'],
    [1234567890, '000000\\ 00000', '012345 67890'],
    [1234567890, '000000-00000', '012345-67890'],
    [1234567890, '"Fnr "00000000000', 'Fnr 01234567890'],
    [123456789012, '00000000000', '123456789012'],
    [42, '###', '42'],
    [1.5, 'General', '1,5'],
    [0.1 + 0.2, undefined, '0,3'],
    [-7, '00000', '-7'],
    [1e21, undefined, '1000000000000000000000'],
    [1e-7, undefined, '0,0000001'],
    [1234.5, '#,##0.00', '1234,5'],
    [Number.NaN, undefined, '#FEIL'],
  ])('%s with format %s shows as %s', (value, format, shown) => {
    expect(formatNumber(value, format)).toBe(shown);
  });
});

describe('dates', () => {
  it.each([
    ['dd.mm.yyyy', true],
    ['mm-dd-yy', true],
    ['[$-414]d\\.\\ mmmm\\ yyyy;@', true],
    ['h:mm', true],
    ['00000000000', false],
    ['General', false],
    ['"Dato "0', false],
    ['0.00E+00', false],
  ])('%s is a date format: %s', (format, isDate) => {
    expect(isDateFormat(format)).toBe(isDate);
  });

  it('writes dates as dd.mm.yyyy, with the time only when there is one', () => {
    expect(formatDate(new Date(Date.UTC(2024, 1, 29)))).toBe('29.02.2024');
    expect(formatDate(new Date(Date.UTC(2024, 1, 29, 13, 5)))).toBe('29.02.2024 13:05');
    expect(formatDate(new Date(Date.UTC(2024, 1, 29, 13, 5, 9)))).toBe('29.02.2024 13:05:09');
    expect(cellText(0.5, 'h:mm')).toBe('12:00');
  });
});

describe('other cell values', () => {
  it.each([
    [null, ''],
    ['  Ærøe ', 'Ærøe'],
    [true, 'TRUE'],
    [false, 'FALSE'],
    [{ error: '#REF!' }, '#REF!'],
    [{ richText: [{ text: 'Fir' }, { text: 'kant' }] }, 'Firkant'],
    [{ formula: 'A1', result: 'CU10001' }, 'CU10001'],
    [{ sharedFormula: 'A1', result: 0 }, '0'],
    [{ formula: 'A1' }, ''],
    [{ text: 'Østby', hyperlink: 'mailto:x@example.invalid' }, 'Østby'],
    [{ text: { richText: [{ text: 'Øst' }, { text: 'by' }] }, hyperlink: 'x' }, 'Østby'],
    [{ sharedString: 3 }, ''],
  ])('%j shows as %j', (value, shown) => {
    expect(cellText(value, undefined)).toBe(shown);
  });
});
