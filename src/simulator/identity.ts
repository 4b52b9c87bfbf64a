// The simulator's own identity rules. Deliberately not imported from src/domain: the simulator plays the
// register, and a second, independent implementation is what lets tests catch a client-side parser bug.

const FNR_K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const FNR_K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const ORGNR_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Month offsets the register knows: ordinary, H-number (+40), test registries (+65), synthetic persons (+80). */
export const FNR_MONTH_OFFSETS: readonly number[] = [0, 40, 65, 80];

/** Individnummer (digits 7-9) of persons the register can never identify. */
export const UNIDENTIFIABLE_INDIVIDNUMMER = '999';
/** Individnummer of persons whose registered surname never matches the `etternavn` sent. */
export const NAME_MISMATCH_INDIVIDNUMMER = '998';
/** First digit of organisasjonsnummer the register can never identify. */
export const UNIDENTIFIABLE_ORGNR_PREFIX = '8';

function mod11(digits: string, weights: readonly number[]): number | undefined {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  const control = 11 - (sum % 11);
  if (control === 11) return 0;
  return control === 10 ? undefined : control;
}

/**
 * Whether the register holds a person with this fødselsnummer (11 digits assumed). Both control digits must be
 * right: the 2032 rule (any k1) applies to numbers not issued yet, so no such person exists in the register.
 */
export function isKnownPerson(fnr: string): boolean {
  if (!/^\d{11}$/.test(fnr)) return false;
  if (mod11(fnr, FNR_K1_WEIGHTS) !== fnr.charCodeAt(9) - 48) return false;
  if (mod11(fnr, FNR_K2_WEIGHTS) !== fnr.charCodeAt(10) - 48) return false;
  if (!hasValidDatePart(fnr)) return false;
  return fnr.slice(6, 9) !== UNIDENTIFIABLE_INDIVIDNUMMER;
}

function hasValidDatePart(fnr: string): boolean {
  let day = Number(fnr.slice(0, 2));
  if (day > 40) day -= 40; // D-number
  if (day < 1 || day > 31) return false;
  const month = Number(fnr.slice(2, 4));
  return FNR_MONTH_OFFSETS.some((offset) => month - offset >= 1 && month - offset <= 12);
}

export function isValidOrgnr(orgnr: string): boolean {
  return /^\d{9}$/.test(orgnr) && mod11(orgnr, ORGNR_WEIGHTS) === orgnr.charCodeAt(8) - 48;
}

/** Whether the register holds an organisation with this organisasjonsnummer. */
export function isKnownOrganisation(orgnr: string): boolean {
  return isValidOrgnr(orgnr) && !orgnr.startsWith(UNIDENTIFIABLE_ORGNR_PREFIX);
}

// Skatteetaten's synthetic persons are named adjective + noun ("LEDENDE FIRKANT"); the register here names a
// person by an adjective derived from the number and the surname the client sent.
const ADJECTIVES = [
  'LEDENDE',
  'RASK',
  'SINDIG',
  'MODIG',
  'FORNUFTIG',
  'KLOK',
  'ROLIG',
  'SPRUDLENDE',
  'VENNLIG',
  'STILLE',
  'LYSEGRØNN',
  'TAPPER',
  'EKTE',
  'UNDRENDE',
  'SMIDIG',
  'TRIVELIG',
] as const;
const COMPANY_NOUNS = ['BILUTLEIE', 'TRANSPORT', 'EIENDOM', 'LOGISTIKK', 'HÅNDVERK', 'RÅDGIVNING'] as const;

function digitHash(digits: string): number {
  let hash = 0;
  for (let i = 0; i < digits.length; i++) hash = (hash * 31 + digits.charCodeAt(i)) % 1_000_003;
  return hash;
}

// Rotates the adjective list so that the seed page's test person (63888700414, "Firkant") comes out as
// "LEDENDE FIRKANT", exactly as in Statens vegvesen's example reply.
const SEED_ROTATION =
  (ADJECTIVES.length - (digitHash('63888700414') % ADJECTIVES.length)) % ADJECTIVES.length;

export function personName(fnr: string, etternavn: string): string {
  const adjective = ADJECTIVES[(digitHash(fnr) + SEED_ROTATION) % ADJECTIVES.length] ?? 'LEDENDE';
  return `${adjective} ${etternavn.trim().toUpperCase()}`;
}

/** An organisation's registered name, whatever the client sent as `etternavn`. */
export function organisationName(orgnr: string): string {
  const hash = digitHash(orgnr);
  const adjective = ADJECTIVES[hash % ADJECTIVES.length] ?? 'LEDENDE';
  const noun = COMPANY_NOUNS[Math.floor(hash / ADJECTIVES.length) % COMPANY_NOUNS.length] ?? 'BILUTLEIE';
  return `${adjective} ${noun} AS`;
}
