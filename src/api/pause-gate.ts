import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A pause shared by all workers. When the API says 429 with Retry-After, it is the whole client that is too
 * fast, not the one request: every worker waits at the gate until the time has passed.
 */
export interface PauseGate {
  /** Pause until `epochMs`; an earlier time than the current pause is ignored (the later one wins). */
  pauseUntil(epochMs: number): void;
  /** Resolves at once when not paused, else when the pause (including any extension of it) is over. */
  wait(signal?: AbortSignal): Promise<void>;
  /** The end of the current or last pause (ms since the epoch); 0 if never paused. */
  readonly pausedUntil: number;
}

const OPEN: Promise<void> = Promise.resolve();

export function createPauseGate(now: () => number = Date.now): PauseGate {
  let until = 0;

  async function waitPaused(signal: AbortSignal | undefined): Promise<void> {
    // A loop, because another worker may extend the pause while this one sleeps.
    try {
      for (let remaining = until - now(); remaining > 0; remaining = until - now()) {
        await sleep(remaining, undefined, signal === undefined ? undefined : { signal });
      }
    } catch (error) {
      // The timer's AbortError wraps the reason; callers expect the reason itself, as from fetch or got.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  return {
    pauseUntil(epochMs) {
      if (epochMs > until) until = epochMs;
    },
    wait(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      // The common case allocates nothing: this runs before every request.
      if (now() >= until) return OPEN;
      return waitPaused(signal);
    },
    get pausedUntil() {
      return until;
    },
  };
}
