import { describe, expect, it } from 'vitest';
import { maskIdNumbers } from '../../src/domain/mask.ts';

describe('maskIdNumbers', () => {
  const cases: [string, string][] = [
    ['kunde 03899274716.csv', 'kunde 038992*****.csv'],
    ['/inbox/17845488959/flate.csv', '/inbox/178454*****/flate.csv'],
    ['kunde 038992 74716.csv', 'kunde 038992 *****.csv'],
    ['kunde 038992-74716.xlsx', 'kunde 038992-*****.xlsx'],
    ['a03899274716b and 17845488959', 'a038992*****b and 178454*****'],
    // Organisasjonsnummer name the owners' folders and stay; longer and shorter digit runs are no fødselsnummer.
    ['/inbox/912345678/mars.xlsx', '/inbox/912345678/mars.xlsx'],
    ['1764583849123 ms', '1764583849123 ms'],
    ['038992 7471', '038992 7471'],
    ['2026-12-01T10-12-00-mars.csv', '2026-12-01T10-12-00-mars.csv'],
    ['', ''],
  ];
  it.each(cases)('%s', (text, masked) => {
    expect(maskIdNumbers(text)).toBe(masked);
  });

  it('masks every one in a text, called again and again (no regex state left behind)', () => {
    for (let i = 0; i < 3; i++) {
      expect(maskIdNumbers('03899274716 03899274716')).toBe('038992***** 038992*****');
    }
  });
});
