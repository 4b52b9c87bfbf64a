import { describe, expect, it } from 'vitest';
import { parseOrganisasjonsnummer } from '../../src/domain/organisasjonsnummer.ts';
import { orgnr, replaceDigit } from '../support/synthetic.ts';

function validOrgnr(eight: string): string {
  const number = orgnr(eight);
  if (number === undefined) throw new Error('pick other digits');
  return number;
}

const org = validOrgnr('91234566');
const spaced = `${org.slice(0, 3)} ${org.slice(3, 6)} ${org.slice(6)}`;

describe('parseOrganisasjonsnummer accepts', () => {
  const cases: [string, string][] = [
    ['nine digits with a valid control digit', org],
    ['a number written in groups of three', spaced],
    ["a number with Excel's non-breaking thousands separator", spaced.replaceAll(' ', '\u00a0')],
    ['a number with surrounding whitespace', ` ${org} `],
    ['the MVA register form with NO prefix and MVA suffix', `NO ${spaced} MVA`],
    ['the MVA register form in lower case', `no${org}mva`],
    ['a control digit that is 0 (remainder 0)', validOrgnr('00000000')],
  ];
  it.each(cases)('%s', (_name, raw) => {
    expect(parseOrganisasjonsnummer(raw)).toEqual({ ok: true, value: raw.replace(/\D/g, '') });
  });
});

describe('parseOrganisasjonsnummer refuses', () => {
  const wrongControl = replaceDigit(org, 8, (Number(org[8]) + 1) % 10);
  const cases: [string, string, string][] = [
    ['an empty cell', '', 'Organisasjonsnummer mangler'],
    ['eight digits', org.slice(0, 8), 'Organisasjonsnummer må ha 9 siffer (fant 8)'],
    ['ten digits', `${org}1`, 'Organisasjonsnummer må ha 9 siffer (fant 10)'],
    ['letters other than NO/MVA', `${org}AS`, 'Organisasjonsnummer kan bare ha siffer'],
    [
      'a number with a wrong control digit',
      wrongControl,
      'Kontrollsifferet stemmer ikke – sjekk for skrivefeil',
    ],
    ['a number whose control digit would be 10', findTen(), 'Kontrollsifferet stemmer ikke'],
    ['a number Excel turned into scientific notation', '9,12346E+08', 'Excel har gjort'],
  ];
  it.each(cases)('%s', (_name, raw, reason) => {
    const parsed = parseOrganisasjonsnummer(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toContain(reason);
      expect(parsed.reason).not.toContain(org.slice(0, 6));
    }
  });
});

function findTen(): string {
  for (let n = 91234560; ; n++) {
    if (orgnr(String(n)) === undefined) return `${n}0`;
  }
}
