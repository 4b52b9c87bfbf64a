import { isOwnOrganisation, type Owner } from '../domain/owner.ts';
import type { MaskinportenError } from '../maskinporten/errors.ts';
import { SurroundingsError } from '../storage/surroundings.ts';

/**
 * Why sending halts, carried as the reason of the signal that halts it (`controller.abort(reason)`). A run halts
 * for everyone (the circuit breaker, SIGTERM: a string in the reports' words; a full or unwritable folder: a
 * SurroundingsError); an owner's lane halts alone when Maskinporten refuses that owner (AccessRefused). Halting
 * is ours; *stopped* is the API's merknad outcome of a row, a different thing.
 */
export type HaltReason = string | SurroundingsError | AccessRefused;

export const SIGTERM_NOTICE =
  'Kjøringen ble avbrutt (SIGTERM). Rader som ikke ble sendt, sendes ved neste kjøring.';

/** Maskinporten refused an owner's access: that owner's lane halts; its files keep their rows for the next run. */
export class AccessRefused {
  readonly owner: Owner;
  readonly error: MaskinportenError;

  constructor(owner: Owner, error: MaskinportenError) {
    this.owner = owner;
    this.error = error;
  }

  get notice(): string {
    const forWhom = isOwnOrganisation(this.owner) ? '' : ` for ${this.owner}`;
    return `Maskinporten avviste tilgangen${forWhom}: ${this.error.message}`;
  }
}

/** What a halted file's report says about the halt. */
export function haltNotice(reason: unknown): string | undefined {
  if (reason instanceof SurroundingsError || reason instanceof AccessRefused) return reason.notice;
  return typeof reason === 'string' ? reason : undefined;
}
