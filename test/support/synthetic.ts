// Builds synthetic identity numbers at run time so no real-looking number is typed into a test. Defaults give
// Skatteetaten's synthetic test persons (month + 80).

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const ORG = [3, 2, 7, 6, 5, 4, 3, 2];

export function control(digits: string, weights: readonly number[]): number | undefined {
  const sum = weights.reduce((acc, weight, i) => acc + weight * Number(digits[i]), 0);
  const c = 11 - (sum % 11);
  return c === 11 ? 0 : c === 10 ? undefined : c;
}

/** Appends k1 and k2 to nine digits, or undefined when either would be 10. */
export function withControlDigits(nine: string): string | undefined {
  const k1 = control(nine, K1);
  if (k1 === undefined) return undefined;
  const k2 = control(nine + k1, K2);
  return k2 === undefined ? undefined : `${nine}${k1}${k2}`;
}

/** Individnummer ranges by century, as Skatteetaten defines them. */
export function individRange(year: number): [number, number] {
  if (year >= 2000) return [500, 999];
  if (year >= 1900) return [0, 499];
  return [500, 749];
}

/** A number with valid control digits for six date digits as given (valid or not), individnummer from `from`. */
export function fromDatePart(date6: string, from: number, to = 999): string {
  for (let i = from; i <= to; i++) {
    const number = withControlDigits(date6 + String(i).padStart(3, '0'));
    if (number !== undefined) return number;
  }
  throw new Error('no individnummer gives valid control digits');
}

export interface FnrSpec {
  day: number;
  month: number;
  year: number;
  dNumber?: boolean;
  monthOffset?: number;
  /** First individnummer to try; the first one giving valid control digits is used. */
  individ?: number;
}

/** A valid number for the date: the first individnummer in the century's range with valid control digits. */
export function fnr({ day, month, year, dNumber = false, monthOffset = 80, individ }: FnrSpec): string {
  const [from, to] = individRange(year);
  const pad = (n: number) => String(n).padStart(2, '0');
  return fromDatePart(
    pad(day + (dNumber ? 40 : 0)) + pad(month + monthOffset) + pad(year % 100),
    individ ?? from,
    to,
  );
}

/** A number with the right k2 but a wrong k1, as Skatteetaten may issue from 2032. */
export function withWrongK1(valid: string): string {
  const ten = valid.slice(0, 9);
  for (let k1 = 0; k1 <= 9; k1++) {
    if (String(k1) === valid[9]) continue;
    const k2 = control(ten + k1, K2);
    if (k2 !== undefined) return `${ten}${k1}${k2}`;
  }
  throw new Error('no k1 gives a valid k2');
}

/** Appends the control digit to eight digits, or undefined when it would be 10. */
export function orgnr(eight: string): string | undefined {
  const c = control(eight, ORG);
  return c === undefined ? undefined : eight + c;
}

/** Replaces the digit at `index` with `digit`. */
export function replaceDigit(number: string, index: number, digit: number): string {
  return number.slice(0, index) + digit + number.slice(index + 1);
}
