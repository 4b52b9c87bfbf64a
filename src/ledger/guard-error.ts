/**
 * The ledger (the job's memory), its state folder or its backup can't be used as they are. The message says
 * what was found and what to do; the run sends nothing and exits 2, like a configuration error, and refuses
 * again every time until a person has chosen.
 */
export class LedgerGuardError extends Error {
  override readonly name = 'LedgerGuardError';
  /** Set when the trouble is the folder's (full, not writable): the run says so as for any of its folders. */
  readonly folder?: { readonly place: 'state' | 'archive'; readonly path: string };
  constructor(
    message: string,
    options?: { cause?: unknown; folder?: { place: 'state' | 'archive'; path: string } },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.folder) this.folder = options.folder;
  }
}

/** The message for a folder the job can't use: which, why (the system's code), and what to check. */
export function folderProblem(what: string, path: string, error: unknown): string {
  const { code, errstr } = error as { code?: string; errstr?: string };
  const why = code && /^E[A-Z]+$/.test(code) ? code : (errstr ?? 'error');
  return (
    `The ${what} ${path} cannot be used (${why}: ${(error as Error).message}). Check that it is a folder this ` +
    `user (uid ${process.getuid?.() ?? '?'}) may write, with free space, on a local volume.`
  );
}
