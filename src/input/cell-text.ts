// What a cell of an .xlsx shows, as text: the value exceljs gives us plus its number format.
//
// Rules (decided for this tool): text as typed; numbers as plain digits with a decimal comma, no exponent and
// no grouping, except that a digit mask like "00000000000" or "000000 00000" is applied, because staff
// format fødselsnummer columns that way to keep the leading zero; dates as dd.mm.yyyy (with hh:mm when the
// value has a time); booleans and error values as stored (TRUE, FALSE, #N/A), not translated.

import { tidyText } from './row-shape.ts';

const DATE_FORMAT = /[ymdhMsb]/;

/** Same test exceljs uses to turn a number into a Date, so formula results follow the same rule. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format
    .replace(/\[[^\]]*]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '');
  return DATE_FORMAT.test(stripped);
}

const two = (n: number): string => String(n).padStart(2, '0');

export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const time =
    date.getUTCHours() || date.getUTCMinutes() || date.getUTCSeconds()
      ? `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}${date.getUTCSeconds() ? `:${two(date.getUTCSeconds())}` : ''}`
      : '';
  // Excel's day 0 (a time without a date) lands before 1900.
  if (date.getUTCFullYear() < 1900) return time || '00:00';
  const day = `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${String(date.getUTCFullYear()).padStart(4, '0')}`;
  return time ? `${day} ${time}` : day;
}

type MaskToken = { readonly kind: 'zero' | 'hash' } | { readonly kind: 'literal'; readonly text: string };

const maskCache = new Map<string, readonly MaskToken[] | null>();

/** Parses a number format made only of digit placeholders and literals; null for anything else. */
function digitMask(format: string): readonly MaskToken[] | null {
  const cached = maskCache.get(format);
  if (cached !== undefined) return cached;
  const section = (format.split(';')[0] ?? '').replace(/\[[^\]]*]/g, '');
  const tokens: MaskToken[] = [];
  let placeholders = 0;
  for (let i = 0; i < section.length; i++) {
    const c = section[i] as string;
    if (c === '0' || c === '#') {
      tokens.push({ kind: c === '0' ? 'zero' : 'hash' });
      placeholders++;
    } else if (c === '\\' && i + 1 < section.length) {
      tokens.push({ kind: 'literal', text: section[++i] as string });
    } else if (c === '"') {
      const end = section.indexOf('"', i + 1);
      if (end < 0) {
        tokens.length = 0;
        break;
      }
      tokens.push({ kind: 'literal', text: section.slice(i + 1, end) });
      i = end;
    } else if (c === ' ' || c === '-' || c === '(' || c === ')' || c === '/') {
      tokens.push({ kind: 'literal', text: c });
    } else {
      tokens.length = 0;
      placeholders = 0;
      break;
    }
  }
  const mask = placeholders > 0 ? tokens : null;
  if (maskCache.size < 1000) maskCache.set(format, mask);
  return mask;
}

function applyMask(digits: string, mask: readonly MaskToken[]): string {
  const zeros = mask.filter((t) => t.kind === 'zero').length;
  let rest = digits.padStart(zeros, '0');
  const firstPlaceholder = mask.findIndex((t) => t.kind !== 'literal');
  let out = '';
  // Excel fills placeholders from the right; digits beyond the mask go into the leftmost one.
  for (let i = mask.length - 1; i >= 0; i--) {
    const token = mask[i] as MaskToken;
    if (token.kind === 'literal') {
      out = token.text + out;
    } else if (i === firstPlaceholder) {
      out = rest + out;
      rest = '';
    } else if (rest.length > 0) {
      out = rest.slice(-1) + out;
      rest = rest.slice(0, -1);
    }
  }
  return out;
}

function plainDecimal(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString();
  // 15 significant digits is what Excel shows and stores in a CSV.
  const rounded = Number(value.toPrecision(15));
  let text = String(rounded);
  if (text.includes('e')) {
    text = rounded.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  }
  return text.replace('.', ',');
}

export function formatNumber(value: number, format: string | undefined): string {
  // exceljs parses a formula's cached result as a number; an error result (#N/A, #DIV/0!) becomes NaN and
  // loses its name on the way.
  if (!Number.isFinite(value)) return '#FEIL';
  if (format && Number.isInteger(value) && value >= 0 && Number.isSafeInteger(value)) {
    const mask = digitMask(format);
    if (mask) return applyMask(String(value), mask);
  }
  return plainDecimal(value);
}

// Excel writes characters XML can't hold (and a literal "_x" that looks like one) as _xHHHH_.
const EXCEL_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

export function cleanText(text: string): string {
  return tidyText(
    text.includes('_x')
      ? text.replace(EXCEL_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      : text,
  );
}

interface RichTextRun {
  readonly text?: string | null;
}

/** The text a cell shows. `value` is exceljs' cell value, `format` the cell's number format. */
export function cellText(value: unknown, format: string | undefined, date1904 = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number') {
    // Plain date cells arrive as Date already; a formula's cached result is still a serial number.
    return isDateFormat(format) && Number.isFinite(value)
      ? formatDate(excelSerialToDate(value, date1904))
      : formatNumber(value, format);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatDate(value);
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (Array.isArray(object.richText)) {
      return cleanText((object.richText as RichTextRun[]).map((run) => run.text ?? '').join(''));
    }
    if (typeof object.error === 'string') return object.error;
    if ('formula' in object || 'sharedFormula' in object || 'result' in object) {
      const result = object.result;
      if (result !== null && typeof result === 'object' && 'error' in result) return String(result.error);
      return cellText(result, format, date1904);
    }
    if ('text' in object) return cellText(object.text, format, date1904);
  }
  return '';
}

/** Excel's serial day number to a UTC date (as exceljs does it). */
export function excelSerialToDate(serial: number, date1904 = false): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}
