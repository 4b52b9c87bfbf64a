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

/**
 * Eleven digits standing alone, or written as date and personal number with one space or hyphen between
 * (`03899274716`, `038992 74716`): how a fødselsnummer turns up in a file or folder name staff gave. Not a dot:
 * `123456.12345` is a number in a JSON log line, which must stay one.
 */
const FODSELSNUMMER_SHAPED = /(?<!\d)(\d{6})([ -]?)(\d{5})(?!\d)/g;

/**
 * Masks everything shaped like a fødselsnummer in a text bound for a log line or the console (a file or folder
 * name, an error message holding a path), keeping the date part as `maskId` does. Nine-digit numbers stay:
 * organisasjonsnummer name the fleet owners' folders, and are no personal data.
 */
export function maskIdNumbers(text: string): string {
  // The test first: nearly every text has no such number, and then it costs one scan and no copy.
  FODSELSNUMMER_SHAPED.lastIndex = 0;
  if (!FODSELSNUMMER_SHAPED.test(text)) return text;
  return text.replace(
    FODSELSNUMMER_SHAPED,
    (_match, date: string, separator: string, rest: string) =>
      `${date}${separator}${'*'.repeat(rest.length)}`,
  );
}
