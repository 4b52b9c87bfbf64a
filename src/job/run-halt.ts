import type { Logger } from '../log.ts';
import { haltNotice, SIGTERM_NOTICE } from '../sending/halt.ts';
import { SurroundingsError } from '../storage/surroundings.ts';

/**
 * The run's scope: one controller that every lane's sending follows, and the first failure of the surroundings
 * (a folder that is full or can't be written), which also ends the walking of every lane's files.
 */
export class RunHalt {
  readonly controller = new AbortController();
  readonly #terminate: AbortSignal;
  readonly #onTerminate = () => this.controller.abort(SIGTERM_NOTICE);
  readonly #logger: Logger;
  #surroundings: SurroundingsError | undefined;

  /** `terminate` (SIGTERM, the caller's) halts the run; it is listened to until `close()`. */
  constructor(logger: Logger, terminate: AbortSignal) {
    this.#logger = logger;
    this.#terminate = terminate;
    // Whoever halts the run (the breaker in api-sender.ts, SIGTERM, a full folder), the log says so once.
    this.controller.signal.addEventListener(
      'abort',
      () => logger.warn(`Sending stopped: ${haltNotice(this.controller.signal.reason)}`),
      { once: true },
    );
    terminate.addEventListener('abort', this.#onTerminate, { once: true });
    if (terminate.aborted) this.#onTerminate();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get surroundings(): SurroundingsError | undefined {
    return this.#surroundings;
  }

  /** A folder that is full or can't be written ends the run: every file after would fail the same way. */
  surroundingsFailed(error: SurroundingsError): void {
    if (!this.#surroundings) {
      this.#surroundings = error;
      this.#logger.error({ folder: error.folder, code: error.code }, error.message);
      this.#logger.debug({ err: error.cause }, 'The failure in full');
    }
    this.controller.abort(error);
  }

  /** Whether a lane should take up no further file: SIGTERM, or a folder failed. */
  get endsFiles(): boolean {
    return this.#terminate.aborted || this.#surroundings !== undefined;
  }

  /** Why the run halted, in its result's words (a folder's failure first, whatever halted before it). */
  get message(): string | undefined {
    if (this.#surroundings) return this.#surroundings.message;
    const reason: unknown = this.controller.signal.reason;
    if (reason instanceof SurroundingsError) return reason.message;
    return this.controller.signal.aborted && typeof reason === 'string' ? reason : undefined;
  }

  close(): void {
    this.#terminate.removeEventListener('abort', this.#onTerminate);
  }
}
