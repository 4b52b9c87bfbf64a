import type { Merknad } from '../domain/outcome.ts';
import type { Handling } from '../domain/types.ts';
import { SETTINGS } from '../settings.ts';

/** Per handling, the merknad codes that mean "the register is already as asked". */
export type AlreadySoCodes = Readonly<Record<Handling, readonly string[]>>;

/**
 * The default "already so" codes, read from the settings table's default of `LEASINGTAKER_ALREADY_SO_CODES`
 * (the simulator's codes: the real API's are not public). The variable replaces the list.
 */
export const DEFAULT_ALREADY_SO_CODES: AlreadySoCodes = defaultCodes();

function defaultCodes(): AlreadySoCodes {
  const parsed = parseAlreadySoCodes(SETTINGS.alreadySoCodes.default);
  if (!parsed.ok) throw new Error(`The settings table's LEASINGTAKER_ALREADY_SO_CODES: ${parsed.reason}`);
  return parsed.value;
}

/**
 * Whether a stop means our own earlier, unconfirmed attempt already did the change. Only asked when that attempt
 * may have reached the server; otherwise a stop is a stop, because someone else made the register so.
 * Every merknad must be an "already so" code: one other code means the request was refused for another reason.
 */
export function isAlreadySo(
  handling: Handling,
  merknader: readonly Merknad[],
  codes: AlreadySoCodes = DEFAULT_ALREADY_SO_CODES,
): boolean {
  if (merknader.length === 0) return false;
  const accepted = codes[handling];
  return merknader.every((merknad) => accepted.includes(merknad.kode));
}

/**
 * Reads `LEASINGTAKER_ALREADY_SO_CODES`: space- or comma-separated `HANDLING=KODE` pairs, e.g.
 * `OPPRETTE=LEASINGTAKER_ER_ALLEREDE_REGISTRERT AVSLUTTE=INGEN_AKTIV_LEASINGTAKER`. The pairs replace the
 * defaults entirely; a handling without pairs gets none.
 */
export function parseAlreadySoCodes(
  value: string,
): { readonly ok: true; readonly value: AlreadySoCodes } | { readonly ok: false; readonly reason: string } {
  const codes: Record<Handling, string[]> = { OPPRETTE: [], AVSLUTTE: [] };
  for (const pair of value.split(/[\s,]+/).filter((entry) => entry !== '')) {
    const match = /^(OPPRETTE|AVSLUTTE)=([A-Z0-9_]+)$/i.exec(pair);
    const handling = match?.[1]?.toUpperCase() as Handling | undefined;
    const code = match?.[2]?.toUpperCase();
    if (handling === undefined || code === undefined) {
      return {
        ok: false,
        reason: `LEASINGTAKER_ALREADY_SO_CODES: "${pair}" is not HANDLING=KODE (e.g. OPPRETTE=LEASINGTAKER_ER_ALLEREDE_REGISTRERT).`,
      };
    }
    codes[handling].push(code);
  }
  return { ok: true, value: codes };
}
