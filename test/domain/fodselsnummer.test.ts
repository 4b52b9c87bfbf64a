import { describe, expect, it } from 'vitest';
import { MONTH_OFFSETS, parseFodselsnummer } from '../../src/domain/fodselsnummer.ts';
import { fnr, fromDatePart, replaceDigit, withWrongK1 } from '../support/synthetic.ts';

// From Statens vegvesen's API page: a synthetic test person (D-number day 23, month August + 80).
const API_EXAMPLE = '63888700414';
const synthetic = fnr({ day: 15, month: 6, year: 1985 });
const leadingZero = fnr({ day: 5, month: 3, year: 1990 });

describe('parseFodselsnummer accepts', () => {
  const cases: [string, string, string][] = [
    ['the synthetic test person from the API page', API_EXAMPLE, API_EXAMPLE],
    ['a synthetic test person (month + 80)', synthetic, synthetic],
    ['a number with surrounding whitespace', ` ${synthetic}\t`, synthetic],
    [
      'a number with a space after the date part',
      `${synthetic.slice(0, 6)} ${synthetic.slice(6)}`,
      synthetic,
    ],
    [
      "a number with Excel's non-breaking spaces",
      `${synthetic.slice(0, 6)}\u00a0${synthetic.slice(6)}`,
      synthetic,
    ],
    ['a 10-digit number that lost its leading zero in Excel', leadingZero.slice(1), leadingZero],
    ['a D-number (day + 40)', fnr({ day: 23, month: 8, year: 1987, dNumber: true }), ''],
    ['an H-number (month + 40)', fnr({ day: 12, month: 11, year: 1975, monthOffset: 40 }), ''],
    ['a test-registry number (month + 65)', fnr({ day: 1, month: 1, year: 2005, monthOffset: 65 }), ''],
    ['an ordinary number (month + 0)', fnr({ day: 31, month: 12, year: 1999, monthOffset: 0 }), ''],
    ['29 February in a leap year of the 2000s', fnr({ day: 29, month: 2, year: 2000 }), ''],
    ['29 February in a leap year of the 1800s', fnr({ day: 29, month: 2, year: 1896 }), ''],
    ['29 February 1948 with individnummer 900-999 (1940-1999)', fromDatePart('298248', 900), ''],
    // Individnummer 750-899 with year 40-99 belongs to no century range; 1948 is a leap year.
    [
      '29 February when the century is undecided but some century is a leap year',
      fromDatePart('298248', 750, 899),
      '',
    ],
    ['a number whose k2 is right but k1 off (issued from 2032)', withWrongK1(synthetic), ''],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    const parsed = parseFodselsnummer(raw);
    expect(parsed).toEqual({ ok: true, value: expected === '' ? raw : expected });
  });

  it('keeps the month offsets in one table: ordinary, H-number, synthetic, test registries', () => {
    expect(MONTH_OFFSETS).toEqual([0, 40, 80, 65]);
  });
});

describe('parseFodselsnummer refuses', () => {
  const wrongK2 = replaceDigit(synthetic, 10, (Number(synthetic[10]) + 1) % 10);
  const cases: [string, string, string][] = [
    ['an empty cell', '  ', 'Fødselsnummer mangler'],
    ['a number with 9 digits', synthetic.slice(0, 9), 'Fødselsnummer må ha 11 siffer (fant 9)'],
    ['a number with 12 digits', `${synthetic}0`, 'Fødselsnummer må ha 11 siffer (fant 12)'],
    ['a number with a letter', `${synthetic.slice(0, 10)}A`, 'Fødselsnummer kan bare ha siffer'],
    [
      'a number with a hyphen',
      `${synthetic.slice(0, 6)}-${synthetic.slice(6)}`,
      'Fødselsnummer kan bare ha siffer',
    ],
    ['a number Excel turned into scientific notation', '6,38887E+10', 'Excel har gjort'],
    ['a fødselsnummer whose second control digit is wrong', wrongK2, 'Kontrollsifrene stemmer ikke'],
    ['a 10-digit number that is not valid with a leading zero', wrongK2.slice(1), 'med 0 foran'],
    ['a day 32', fromDatePart('328085', 0), 'Datodelen er ikke en gyldig dato'],
    ['day 0', fromDatePart('008085', 0), 'Datodelen'],
    ['a D-number day 72 (32 + 40)', fromDatePart('728085', 0), 'Datodelen'],
    ['31 April', fromDatePart('318485', 0), 'Datodelen'],
    ['29 February 1900 (individnummer 000-499)', fromDatePart('298200', 0, 499), 'Datodelen'],
    ['29 February when no candidate century is a leap year', fromDatePart('298250', 750, 899), 'Datodelen'],
    ['a month 13', fromDatePart('011385', 0), 'Datodelen'],
    ['a month between the offsets (month 60)', fromDatePart('016085', 0), 'Datodelen'],
    ['a month beyond the synthetic range (month 93)', fromDatePart('019385', 0), 'Datodelen'],
  ];
  it.each(cases)('%s', (_name, raw, reason) => {
    const parsed = parseFodselsnummer(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toContain(reason);
    // The reason may reach a log or a report: it must never hold the number, nor its date part.
    const digits = raw.replace(/\D/g, '');
    if (digits.length >= 6) expect(parsed.reason).not.toContain(digits.slice(0, 6));
  });

  it('refuses a number whose k1 is off when k1-free numbers are turned off', () => {
    const parsed = parseFodselsnummer(withWrongK1(synthetic), { acceptK1Free: false });
    expect(parsed).toEqual({ ok: false, reason: 'Kontrollsifrene stemmer ikke – sjekk for skrivefeil' });
  });

  it('still accepts a number with both control digits right when k1-free numbers are turned off', () => {
    expect(parseFodselsnummer(synthetic, { acceptK1Free: false }).ok).toBe(true);
  });

  it('refuses a synthetic test person when the offsets are limited to ordinary numbers', () => {
    const parsed = parseFodselsnummer(API_EXAMPLE, { monthOffsets: [0] });
    expect(parsed.ok).toBe(false);
  });
});
