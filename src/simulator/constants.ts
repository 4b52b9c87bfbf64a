/** The Leasingtaker-API's scope as we guess it (NOTES: not public); the simulator's default. */
export const DEFAULT_SCOPE = 'svv:kjoretoy/leasingtaker';
/** Statens vegvesen's suffix for the scope a third party gets through an Altinn delegation. */
export const DELEGATED_SCOPE_SUFFIX = '.delegert';
export const API_PATH = '/ws/no/vegvesen/kjoretoy/felles/innmelding/leasingtaker';
export const TOKEN_PATH = '/token';
