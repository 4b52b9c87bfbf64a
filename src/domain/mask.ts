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
