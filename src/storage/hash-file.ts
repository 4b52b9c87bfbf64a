import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** An inbox entry that turned out not to be a regular file when it was opened. */
export class NotAFileError extends Error {
  override readonly name = 'NotAFileError';
}

/**
 * A file's SHA-256 (hex), streamed: the one way the job hashes a file, whatever its size (an input of several GB
 * is never read into memory, which `readFileSync` would do, and refuse above 2 GiB). The claim records it, the
 * upkeep tells twins by it, and `ledger restore`/`keep` remember the inputs a lost run took by it.
 *
 * Never follows a link, and never waits on a FIFO: opening one for reading would block until someone writes
 * to it (O_NONBLOCK opens at once, and the check below refuses it). The listing already leaves both alone;
 * this covers an entry swapped since.
 */
export async function hashFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new NotAFileError(`${path} is not a regular file`);
    const hash = createHash('sha256');
    await pipeline(handle.createReadStream({ autoClose: false }), hash);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
