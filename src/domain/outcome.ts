// What became of sending one row, in the words both sides use: the API client returns it, the worker pool passes
// it on and the ledger stores it. It lives here, not in api/ or ledger/, so that the store does not depend on the
// HTTP client (nor the client on the store).

/** What the register says about the vehicle after a change. Every field is optional: the API may drop or add some. */
export interface LeasingtakerEntity {
  readonly kuid?: string;
  readonly kjennemerke?: string;
  readonly understellsnummer?: string;
  readonly merke?: string;
  readonly merkeKode?: string;
  /** The API spells it `handelsebetegnelse`; we use the dictionary spelling and read both. */
  readonly handelsbetegnelse?: string;
  readonly forstegangRegistrertDato?: string;
  readonly karosserifargeKode?: string;
  readonly leasingtakerNavn?: string;
  // The reply's `leasingtakerId` is left out on purpose: it is the fødselsnummer we sent, and a copy of it in
  // every result would only be one more place personal data can leak from.
}

/** Why the API stopped a request; `kode` may be any code, known to us or not. */
export interface Merknad {
  readonly kode: string;
  readonly beskrivelse: string;
}

/** The outcome of one row's requests (all its attempts in one run). */
export type RowOutcome = (
  | {
      readonly kind: 'ok';
      readonly entity: LeasingtakerEntity;
      /**
       * True when the API said "already so" and an earlier attempt (this run or an interrupted one) may have
       * made the change. `merknader` then holds what the API said.
       */
      readonly alreadySo: boolean;
      readonly merknader?: readonly Merknad[];
    }
  | { readonly kind: 'stopped'; readonly merknader: readonly Merknad[] }
  | {
      readonly kind: 'failed';
      /** The HTTP status of the last reply; absent when there was none (a timeout, a refused connection). */
      readonly status?: number;
      readonly code: string;
      readonly message: string;
      /**
       * Whether one of the attempts (or, with `maybeSentBefore`, an earlier run's) may have reached the API and
       * changed the register: a reply lost after sending, a timeout, a 5xx. The ledger keeps this across runs,
       * so that a later resend's "already so" counts as done.
       */
      readonly maybeReached: boolean;
    }
) & {
  /** Requests sent to the API for this row. */
  readonly attempts: number;
};
