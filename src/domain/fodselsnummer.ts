import { looksLikeExcelScientific, mod11ControlDigit } from './mod11.ts';
import type { Fodselsnummer, Parsed } from './types.ts';

/**
 * Skatteetaten's new fødselsnummer (issued from 2032, when the individnummer series run out) make the first
 * control digit k1 part of the individnummer: only k2 is still a control digit. A number whose k2 is right but
 * whose k1 is off is therefore accepted by default. k2 alone still catches every single-digit typo.
 */
export const ACCEPT_K1_FREE_NUMBERS = true;

/**
 * Month offsets a fødselsnummer may carry, tried in order: 0 ordinary, 40 H-number, 80 Skatteetaten's synthetic
 * test persons (`63888700414`: month 88 = August), 65 seen in some test registries. The ranges 1-12, 41-52,
 * 66-77 and 81-92 don't overlap, so the month is never ambiguous.
 */
export const MONTH_OFFSETS: readonly number[] = [0, 40, 80, 65];

/** A D-number has 40 added to the day. */
const D_NUMBER_DAY_OFFSET = 40;

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

export interface FodselsnummerOptions {
  /** Accept a number whose k2 is right when k1 is off (numbers issued from 2032). Default `ACCEPT_K1_FREE_NUMBERS`. */
  readonly acceptK1Free?: boolean;
  /** Accepted month offsets. Default `MONTH_OFFSETS`. */
  readonly monthOffsets?: readonly number[];
}

const CONTROL_REASON = 'Kontrollsifrene stemmer ikke – sjekk for skrivefeil';

/**
 * Parses one cell as a fødselsnummer (also D-, H- and synthetic test numbers). Spaces inside are ignored, and a
 * 10-digit value is taken as a number that lost its leading zero in Excel. The reason never holds the number.
 */
export function parseFodselsnummer(raw: string, options: FodselsnummerOptions = {}): Parsed<Fodselsnummer> {
  const trimmed = raw.trim();
  if (trimmed === '') return refuse('Fødselsnummer mangler');
  if (looksLikeExcelScientific(trimmed)) {
    return refuse(
      'Excel har gjort fødselsnummeret om til et tall (E+) – formater kolonnen som tekst og skriv det inn på nytt',
    );
  }
  const compact = trimmed.replace(/\s+/g, '');
  if (!/^\d+$/.test(compact)) return refuse('Fødselsnummer kan bare ha siffer');
  const lostLeadingZero = compact.length === 10;
  const digits = lostLeadingZero ? `0${compact}` : compact;
  if (digits.length !== 11) return refuse(`Fødselsnummer må ha 11 siffer (fant ${compact.length})`);

  if (!controlDigitsOk(digits, options.acceptK1Free ?? ACCEPT_K1_FREE_NUMBERS)) {
    return refuse(
      lostLeadingZero
        ? 'Fødselsnummeret har 10 siffer, og med 0 foran stemmer ikke kontrollsifrene – sjekk for skrivefeil'
        : CONTROL_REASON,
    );
  }
  if (!datePartOk(digits, options.monthOffsets ?? MONTH_OFFSETS)) {
    return refuse('Datodelen er ikke en gyldig dato – sjekk de seks første sifrene');
  }
  return { ok: true, value: digits as Fodselsnummer };
}

function controlDigitsOk(digits: string, acceptK1Free: boolean): boolean {
  const k2 = mod11ControlDigit(digits, K2_WEIGHTS);
  if (k2 === undefined || k2 !== Number(digits[10])) return false;
  if (acceptK1Free) return true;
  const k1 = mod11ControlDigit(digits, K1_WEIGHTS);
  return k1 !== undefined && k1 === Number(digits[9]);
}

function datePartOk(digits: string, monthOffsets: readonly number[]): boolean {
  const dd = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  const yy = Number(digits.slice(4, 6));
  const individ = Number(digits.slice(6, 9));
  const day = dd > D_NUMBER_DAY_OFFSET ? dd - D_NUMBER_DAY_OFFSET : dd;
  if (day < 1 || day > 31) return false;
  const years = candidateYears(individ, yy);
  return monthOffsets.some((offset) => {
    const month = mm - offset;
    return month >= 1 && month <= 12 && years.some((year) => day <= daysInMonth(year, month));
  });
}

/**
 * The century as Skatteetaten reads it from the individnummer. Some combinations belong to no range (e.g.
 * individnummer 750-899 with year 40-99); then every century is a candidate and a day valid in any of them passes.
 */
function candidateYears(individ: number, yy: number): number[] {
  if (individ <= 499) return [1900 + yy];
  if (individ <= 749 && yy >= 54) return [1800 + yy];
  if (yy <= 39) return [2000 + yy];
  if (individ >= 900) return [1900 + yy];
  return [1800 + yy, 1900 + yy, 2000 + yy];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function refuse(reason: string): Parsed<never> {
  return { ok: false, reason };
}
