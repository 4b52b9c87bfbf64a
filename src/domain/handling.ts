import type { Handling, Parsed } from './types.ts';

const OPPRETTE_WORDS = [
  'opprette',
  'opprett',
  'registrer',
  'registrere',
  'ny',
  'legg til',
  'start',
  'add',
  'create',
  'register',
] as const;
const AVSLUTTE_WORDS = [
  'avslutte',
  'avslutt',
  'fjern',
  'slett',
  'stopp',
  'slutt',
  'end',
  'remove',
  'delete',
  'terminate',
] as const;

const WORDS: ReadonlyMap<string, Handling> = new Map<string, Handling>([
  ...OPPRETTE_WORDS.map((word) => [word, 'OPPRETTE'] as const),
  ...AVSLUTTE_WORDS.map((word) => [word, 'AVSLUTTE'] as const),
]);

const ACCEPTED = `Bruk OPPRETTE (eller ${OPPRETTE_WORDS.slice(1).join(', ')}) eller AVSLUTTE (eller ${AVSLUTTE_WORDS.slice(1).join(', ')})`;

/** Parses the action cell: the API's own words or a common synonym, in any case. */
export function parseHandling(raw: string): Parsed<Handling> {
  const key = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  if (key === '') return { ok: false, reason: `Handling mangler. ${ACCEPTED}` };
  const handling = WORDS.get(key);
  if (handling === undefined) return { ok: false, reason: `Ukjent handling. ${ACCEPTED}` };
  return { ok: true, value: handling };
}
