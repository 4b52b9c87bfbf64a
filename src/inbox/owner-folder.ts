import { parseOrganisasjonsnummer } from '../domain/organisasjonsnummer.ts';
import type { Organisasjonsnummer, Parsed } from '../domain/types.ts';

const NOT_AN_OWNER = 'is a folder whose name is not an organisasjonsnummer';

/**
 * The one rule for a fleet owner's folder, in the inbox and in the reports and the archive after it: its name is
 * the owner's organisasjonsnummer, nine digits with a valid control digit and nothing else. The listing takes
 * files from it, `watch` wakes for them, `doctor` gets the owner a token, and upkeep (leftovers, retention) looks
 * into it; a folder one of them passed over and another took would have `watch` start runs that take nothing.
 * Stricter than a cell: the parser of a cell takes `NO 912 345 678 MVA` as staff copy it from invoices, but a
 * folder's name becomes the owner's name in the reports, the archive and the token request, so it must be the
 * number as it is.
 */
export function ownerFolder(name: string): Parsed<Organisasjonsnummer> {
  if (!/^\d{9}$/.test(name)) return { ok: false, reason: NOT_AN_OWNER };
  const parsed = parseOrganisasjonsnummer(name);
  if (!parsed.ok) return { ok: false, reason: `${NOT_AN_OWNER} (its control digit is wrong)` };
  return parsed;
}

/** Whether a folder's name is a fleet owner's (see `ownerFolder`). */
export function isOwnerFolder(name: string): boolean {
  return ownerFolder(name).ok;
}
