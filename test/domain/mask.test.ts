import { describe, expect, it } from 'vitest';
import { maskId, maskPersonalNumbers } from '../../src/domain/mask.ts';

describe('maskPersonalNumbers', () => {
  it.each([
    ['flate 23886300412.csv', 'flate 238863*****.csv'],
    [
      'Overskrifter funnet: CU10001, 238863 00412, Firkant',
      'Overskrifter funnet: CU10001, 238863*****, Firkant',
    ],
    ['238863-00412 og 238863.00412', '238863***** og 238863*****'],
    // Not a fødselsnummer: an organisasjonsnummer, a date, a row number, a longer run of digits.
    ['912345678/mars.xlsx', '912345678/mars.xlsx'],
    ['rapport-20260301.csv rad 10001', 'rapport-20260301.csv rad 10001'],
    ['id 1234567890123', 'id 1234567890123'],
    ['', ''],
  ])('%s', (text, masked) => {
    expect(maskPersonalNumbers(text)).toBe(masked);
  });

  it('masks the way maskId does', () => {
    expect(maskPersonalNumbers('23886300412')).toBe(maskId('23886300412'));
  });
});
