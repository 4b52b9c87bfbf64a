/**
 * Halts a run that would only burn rows against a service that is down: after `threshold` technical failures
 * in a row (network errors, 5xx, timeouts; each attempt counts, retries included) with no success between, it
 * opens and stays open for the rest of the run. The rows not yet sent stay pending for the next run.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  #consecutive = 0;
  #open = false;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Returns true when this failure opened the breaker. */
  failure(): boolean {
    this.#consecutive += 1;
    if (!this.#open && this.#consecutive >= this.#threshold) {
      this.#open = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.#consecutive = 0;
  }
}
