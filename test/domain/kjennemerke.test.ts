import { describe, expect, it } from 'vitest';
import { parseKjennemerke } from '../../src/domain/kjennemerke.ts';

describe('parseKjennemerke accepts and normalises', () => {
  const cases: [string, string, string][] = [
    ['an ordinary car plate', 'CU10001', 'CU10001'],
    ['a plate in lower case with a space', 'cu 10001', 'CU10001'],
    ['a plate with a hyphen', 'CU-10001', 'CU10001'],
    ['a plate with an en dash from autocorrect', 'CU–10001', 'CU10001'],
    ['a plate with surrounding and non-breaking spaces', ' CU\u00a010001 ', 'CU10001'],
    ['a motorcycle or trailer plate (2 letters + 4 digits)', 'ab 1234', 'AB1234'],
    ['a personalised plate with Norwegian letters in lower case', 'blåbær', 'BLÅBÆR'],
    ['a personalised plate with Ø', 'søt', 'SØT'],
    ['Å written as A + combining ring (macOS)', 'A\u030aS', 'ÅS'],
    ['a personalised plate of 2 characters', 'ok', 'OK'],
    ['a personalised plate of 7 characters mixing letters and digits', 'tesla3x', 'TESLA3X'],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(parseKjennemerke(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('parseKjennemerke refuses', () => {
  const cases: [string, string, string][] = [
    ['an empty cell', '', 'Kjennemerke mangler'],
    ['a cell of only spaces and hyphens', ' - ', 'Kjennemerke mangler'],
    ['a symbol', 'CU#10001', 'Kjennemerket kan bare ha bokstavene A–Å og sifre (fant «#»)'],
    ['a letter outside the Norwegian alphabet', 'MÜNCH', '(fant «Ü»)'],
    ['ß, which upper-cases to SS', 'straße', '(fant «ß»)'],
    ['a single character', 'A', 'Kjennemerket må ha minst 2 tegn'],
    ['more than 7 characters', 'CU100011', 'Kjennemerket kan ha høyst 7 tegn (fant 8)'],
    ['digits only (a number in the wrong column)', '1234567', 'Kjennemerket må ha minst én bokstav'],
  ];
  it.each(cases)('%s', (_name, raw, reason) => {
    const parsed = parseKjennemerke(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
