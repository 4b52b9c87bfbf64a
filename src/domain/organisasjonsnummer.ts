import { looksLikeExcelScientific, mod11ControlDigit } from './mod11.ts';
import type { Organisasjonsnummer, Parsed } from './types.ts';

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * Parses one cell as an organisasjonsnummer. Spaces are ignored (`912 345 678`, also Excel's non-breaking
 * thousands separator), and so are the MVA register's `NO` prefix and `MVA` suffix (`NO 912 345 678 MVA`),
 * because staff copy the number from invoices.
 */
export function parseOrganisasjonsnummer(raw: string): Parsed<Organisasjonsnummer> {
  const trimmed = raw.trim();
  if (trimmed === '') return refuse('Organisasjonsnummer mangler');
  if (looksLikeExcelScientific(trimmed)) {
    return refuse(
      'Excel har gjort organisasjonsnummeret om til et tall (E+) – formater kolonnen som tekst og skriv det inn på nytt',
    );
  }
  const digits = trimmed.replace(/\s+/g, '').replace(/^NO/i, '').replace(/MVA$/i, '');
  if (!/^\d+$/.test(digits)) return refuse('Organisasjonsnummer kan bare ha siffer');
  if (digits.length !== 9) return refuse(`Organisasjonsnummer må ha 9 siffer (fant ${digits.length})`);
  const control = mod11ControlDigit(digits, WEIGHTS);
  if (control === undefined || control !== Number(digits[8])) {
    return refuse('Kontrollsifferet stemmer ikke – sjekk for skrivefeil');
  }
  return { ok: true, value: digits as Organisasjonsnummer };
}

function refuse(reason: string): Parsed<never> {
  return { ok: false, reason };
}
