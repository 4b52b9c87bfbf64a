/**
 * Masks an identifier for anything a person reads on a console: the first 6 digits (a date, or the start of an
 * organisasjonsnummer) stay, the rest become `*`. Fødselsnummer are personal data; this is the only form in
 * which one may reach a log line or an error message.
 */
export function maskId(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length <= 6) return '*'.repeat(trimmed.length);
  return trimmed.slice(0, 6) + '*'.repeat(trimmed.length - 6);
}

/** An 11-digit number, as staff write it: `01018012345`, or with a space, dot or hyphen after the date part. */
const PERSONAL_NUMBER = /(?<!\d)(\d{6})[ .-]?(\d{5})(?!\d)/g;

/**
 * Masks everything shaped like a fødselsnummer in a text meant for a log line or a message: a file name such as
 * `flate 01018012345.csv`, a header cell quoted in an error, a server's description. Shorter numbers (an
 * organisasjonsnummer, a date, a row number) are left as they are.
 */
export function maskPersonalNumbers(text: string): string {
  if (!/\d{5}/.test(text)) return text;
  return text.replace(PERSONAL_NUMBER, (_match, date: string, rest: string) => maskId(date + rest));
}
