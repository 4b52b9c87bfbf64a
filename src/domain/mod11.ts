/**
 * The modulus-11 control digit shared by fødselsnummer and organisasjonsnummer: 11 - (weighted sum mod 11),
 * where 11 becomes 0 and 10 means no digit can be valid (`undefined`). `digits` must be ASCII digits, at least
 * as many as there are weights.
 */
export function mod11ControlDigit(digits: string, weights: readonly number[]): number | undefined {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  }
  const control = 11 - (sum % 11);
  if (control === 11) return 0;
  if (control === 10) return undefined;
  return control;
}

/** Excel shows a long number it has turned into a float as `6,38887E+10`: the digits are lost for good. */
export function looksLikeExcelScientific(text: string): boolean {
  return /^\d+(?:[.,]\d+)?e\+?\d+$/i.test(text);
}
