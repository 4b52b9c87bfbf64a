import type { RowOutcome } from '../domain/outcome.ts';
import type { Owner } from '../domain/owner.ts';
import type { LeasingtakerRequest } from '../domain/types.ts';
import type { FairPool } from './fair-pool.ts';

/** What the worker pool needs of the API client. */
export interface RowSender {
  send(
    request: LeasingtakerRequest,
    options: { readonly maybeSentBefore: boolean; readonly signal: AbortSignal },
  ): Promise<RowOutcome>;
}

/** How the run reaches the API; built by the caller from the configuration, per fleet owner. */
export interface SenderFactory {
  /**
   * A sender for the owner's rows. It halts what it must itself, with the reason (halt.ts): the run's controller
   * when the circuit breaker opens (the API is the same for all), the owner's when its token is refused.
   */
  senderFor(
    owner: Owner,
    halt: { readonly run: AbortController; readonly owner: AbortController },
  ): RowSender;
  /** Fetches a token for the owner, so that configuration errors end the run before any row is sent. */
  checkAccess(owner: Owner): Promise<void>;
}

/** How one owner's rows reach the API: a slot of the run's pool, then the owner's sender, until the lane halts. */
export interface SendLane {
  readonly owner: Owner;
  readonly pool: FairPool;
  readonly sender: RowSender;
  /** Aborted when the run halts or this owner's lane does; its reason is the first of those (halt.ts). */
  readonly halted: AbortSignal;
}
