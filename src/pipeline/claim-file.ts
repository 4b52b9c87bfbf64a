import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Ledger } from '../ledger/ledger.ts';
import type { InboxFile } from './inbox.ts';

/**
 * Takes a file out of the inbox into the archive and records it in the ledger, in that order of durability:
 * the ledger first names the archive path, then the file moves. A crash between the two leaves a record whose
 * file is still in the inbox; `forgetUnmovedFiles` drops such records at the next start so the file is taken
 * anew. Nothing is ever deleted: the file is renamed, or copied and then unlinked across volumes.
 */
export async function claimFile(
  ledger: Ledger,
  archiveDir: string,
  file: InboxFile,
  now = new Date(),
): Promise<number> {
  const sha256 = await hashFile(file.path);
  const folder = join(archiveDir, file.owner, now.toISOString().slice(0, 10));
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const target = join(folder, `${timestamp(now)}-${file.name}`);
  const extension = extname(file.name).toLowerCase();
  const fileId = ledger.addFile({
    owner: file.owner,
    name: file.name,
    path: target,
    format: extension === '.xlsx' ? 'xlsx' : 'csv',
    sha256,
    size: file.size,
  });
  await move(file.path, target);
  return fileId;
}

async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // The archive is another volume (a container's mounts): copy under a temporary name and flush it to disk,
    // then name it and remove the original. Killed while copying, the record's path doesn't exist and the file,
    // still in the inbox, is taken anew; a half copy never carries the name the ledger reads.
    const temp = `${to}.part`;
    try {
      await copyFile(from, temp);
      const copy = await open(temp, 'r+');
      try {
        await copy.sync();
      } finally {
        await copy.close();
      }
      await rename(temp, to);
    } catch (copyError) {
      // A full archive leaves half a copy (with fødselsnummer in it): it goes, and the file waits in the inbox.
      await rm(temp, { force: true });
      throw copyError;
    }
    try {
      await unlink(from);
    } catch (unlinkError) {
      // The file can't leave the inbox: without the copy, it is taken anew once it can, not once per run.
      await rm(to, { force: true });
      throw unlinkError;
    }
  }
  // The file holds fødselsnummer: in the archive it is the owner's alone, whatever mode it was dropped with.
  await chmod(to, 0o600);
}

/** An inbox entry that turned out not to be a regular file when it was opened. */
export class NotAFileError extends Error {
  override readonly name = 'NotAFileError';
}

/**
 * Never follows a link, and never waits on a FIFO: opening one for reading would block until someone writes
 * to it (O_NONBLOCK opens at once, and the check below refuses it). The listing already leaves both alone;
 * this covers an entry swapped since.
 */
async function hashFile(path: string): Promise<string> {
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

/** `2026-11-25T19-40-12`: sortable, and legal in file names on every system staff use. */
export function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
  );
}
