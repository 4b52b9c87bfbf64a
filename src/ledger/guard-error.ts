/**
 * The ledger (the job's memory), its state folder or its backup can't be used as they are. The message says
 * what was found and what to do; the run sends nothing and exits 2, like a configuration error, and refuses
 * again every time until a person has chosen.
 */
export class LedgerGuardError extends Error {
  override readonly name = 'LedgerGuardError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
