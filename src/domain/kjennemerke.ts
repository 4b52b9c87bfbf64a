import type { Kjennemerke, Parsed } from './types.ts';

const MIN_LENGTH = 2;
const MAX_LENGTH = 7;

/**
 * Parses one cell as a registration plate and normalises it to what the API expects (`cu 10001`, `CU-10001`
 * → `CU10001`). Every Norwegian plate fits "2 to 7 of A-Z, Æ, Ø, Å, 0-9": ordinary plates (2 letters + 4 or 5
 * digits) are a subset of the personalised ones, so one rule covers both. A value with no letter is refused: no
 * plate is digits only, and such a cell is almost always a number that landed in the wrong column.
 */
export function parseKjennemerke(raw: string): Parsed<Kjennemerke> {
  // NFC so an Å typed on a Mac (A + combining ring) counts as one letter; en dashes come from autocorrect.
  const compact = raw.normalize('NFC').replace(/[\s\-\u2010-\u2015]+/g, '');
  if (compact === '') return refuse('Kjennemerke mangler');
  // Checked before upper-casing: 'ß'.toUpperCase() is 'SS', which would turn a typo into a plate.
  const bad = [...compact].find((char) => !/^[A-ZÆØÅa-zæøå0-9]$/.test(char));
  if (bad !== undefined) {
    return refuse(`Kjennemerket kan bare ha bokstavene A–Å og sifre (fant «${bad}»)`);
  }
  if (compact.length < MIN_LENGTH) return refuse(`Kjennemerket må ha minst ${MIN_LENGTH} tegn`);
  if (compact.length > MAX_LENGTH) {
    return refuse(`Kjennemerket kan ha høyst ${MAX_LENGTH} tegn (fant ${compact.length})`);
  }
  if (!/[A-ZÆØÅa-zæøå]/.test(compact)) return refuse('Kjennemerket må ha minst én bokstav');
  return { ok: true, value: compact.toUpperCase() as Kjennemerke };
}

function refuse(reason: string): Parsed<never> {
  return { ok: false, reason };
}
