import { describe, expect, it } from 'vitest';
import { parseEtternavn } from '../../src/domain/etternavn.ts';

describe('parseEtternavn accepts', () => {
  const cases: [string, string, string][] = [
    ['a plain surname', 'Firkant', 'Firkant'],
    ['a surname with surrounding whitespace', '  Firkant ', 'Firkant'],
    ['a double-barrelled surname with collapsed inner spaces', 'Berg   -  Hansen', 'Berg - Hansen'],
    ['Norwegian letters', 'Ødegård', 'Ødegård'],
    ['Sámi letters', 'Áillohaš', 'Áillohaš'],
    ['a prefix with an apostrophe', "O'Brien", "O'Brien"],
    ['a typographic apostrophe', 'D’Angelo', 'D’Angelo'],
    ['an abbreviation with a period', 'St. Clair', 'St. Clair'],
    ['a non-Latin script', 'Иванов', 'Иванов'],
    ['letters written with combining marks, normalised to NFC', 'Ode\u0301n', 'Odén'],
    ['exactly 100 characters', 'a'.repeat(100), 'a'.repeat(100)],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(parseEtternavn(raw)).toEqual({ ok: true, value: expected });
  });

  it('accepts a company name with digits and signs for an organisation', () => {
    expect(parseEtternavn(' 3M  Norge A/S & Co. ', { forOrganisation: true })).toEqual({
      ok: true,
      value: '3M Norge A/S & Co.',
    });
  });
});

describe('parseEtternavn refuses', () => {
  const cases: [string, string, string][] = [
    ['an empty cell', '   ', 'Etternavn mangler'],
    ['more than 100 characters', 'a'.repeat(101), 'Etternavnet kan ha høyst 100 tegn (fant 101)'],
    [
      'a digit',
      'Hansen2',
      'Etternavnet kan bare ha bokstaver, mellomrom, bindestrek, apostrof og punktum (fant «2»)',
    ],
    ['an @ sign', 'han@sen', '(fant «@»)'],
    ['an invisible control character, without echoing it', 'Han\u200bsen', 'punktum'],
    ['punctuation only', "-'.", 'Etternavnet må ha minst én bokstav'],
  ];
  it.each(cases)('%s', (_name, raw, reason) => {
    const parsed = parseEtternavn(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('refuses a company name with only signs', () => {
    const parsed = parseEtternavn('&/', { forOrganisation: true });
    expect(parsed).toEqual({ ok: false, reason: 'Navnet må ha minst én bokstav eller ett siffer' });
  });

  it('refuses a company name longer than 100 characters', () => {
    expect(parseEtternavn('A'.repeat(101), { forOrganisation: true }).ok).toBe(false);
  });
});
