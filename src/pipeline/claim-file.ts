import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fleetFileFormat } from '../input/file-format.ts';
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
  const fileId = ledger.addFile({
    owner: file.owner,
    name: file.name,
    path: target,
    // An extension the reader refuses is recorded as csv: the file gets a report saying why, and no rows.
    format: fleetFileFormat(file.name) ?? 'csv',
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
    await copyFile(from, temp);
    const copy = await open(temp, 'r+');
    try {
      await copy.sync();
    } finally {
      await copy.close();
    }
    await rename(temp, to);
    await unlink(from);
  }
  // The file holds fødselsnummer: in the archive it is the owner's alone, whatever mode it was dropped with.
  await chmod(to, 0o600);
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** `2026-11-25T19-40-12`: sortable, and legal in file names on every system staff use. */
export function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
  );
}
