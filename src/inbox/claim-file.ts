import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fleetFileFormat } from '../input/file-format.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { FileRecord } from '../ledger/types.ts';
import { archiveDayFolder, archiveName, partPath } from '../storage/archive-layout.ts';
import { hashFile } from '../storage/hash-file.ts';
import type { InboxFile } from './listing.ts';

export interface ClaimOptions {
  /** A file unchanged this long (by its mtime) is taken as complete; see `restMsFor` in growth.ts. */
  readonly restMs: number;
  readonly now?: Date;
}

/**
 * Takes a file out of the inbox into the archive and records it in the ledger, in that order of durability:
 * the ledger first names the archive path, then the file moves. A crash between the two leaves a record whose
 * file is still in the inbox; `forgetUnmovedFiles` drops such records at the next start so the file is taken
 * anew. Nothing is ever deleted, and nothing in the archive is ever overwritten (`placeExclusively`).
 *
 * The writer of a file still being copied may hold it open and go on writing after it is taken. On the same
 * volume the file is linked into the archive and unlinked from the inbox: the same inode, so the writer's later
 * bytes land in the archived file, where growth.ts finds them. Across volumes a copy would lose them (the writer
 * writes into the inbox's unlinked inode), so a file that has not been at rest for `restMs` is only renamed to a
 * hidden holding name in the inbox (same volume, same inode, invisible to the listing), read from there, and
 * copied into the archive once a later run finds it at rest (`archiveHeldFile`).
 */
export async function claimFile(
  ledger: Ledger,
  archiveDir: string,
  file: InboxFile,
  options: ClaimOptions,
): Promise<number> {
  const now = options.now ?? new Date();
  const sha256 = await hashFile(file.path);
  const folder = await archiveFolder(archiveDir, file.owner, now);
  let target = await freeName(folder, now, file.name);
  const fileId = ledger.addFile({
    owner: file.owner,
    name: file.name,
    path: target,
    // An extension the reader refuses is recorded as csv: the file gets a report saying why, and no rows.
    format: fleetFileFormat(file.name) ?? 'csv',
    sha256,
    size: file.size,
  });
  for (;;) {
    const placed = await placeExclusively(file.path, target);
    if (placed === 'placed') break;
    if (placed === 'taken') {
      target = await freeName(folder, now, file.name);
      ledger.setFilePath(fileId, target);
      continue;
    }
    // Another volume.
    const atRest = now.getTime() - file.mtimeMs >= options.restMs;
    const copied = atRest ? await copyIntoArchive(file.path, target, file) : 'changed';
    if (copied === 'copied') {
      await unlink(file.path);
      break;
    }
    if (copied === 'taken') {
      target = await freeName(folder, now, file.name);
      ledger.setFilePath(fileId, target);
      continue;
    }
    const held = join(dirname(file.path), `${HELD_PREFIX}${randomUUID().slice(0, 8)}-${file.name}`);
    // Recorded before the rename: killed in between, the record's path doesn't exist and the file, still under
    // its own name, is taken anew.
    ledger.setFilePath(fileId, held);
    await rename(file.path, held);
    // Still in the inbox, where it was readable as dropped; a share that refuses chmod changes nothing there.
    await chmod(held, 0o600).catch(() => {});
    return fileId;
  }
  // The file holds fødselsnummer: in the archive it is the owner's alone, whatever mode it was dropped with.
  await chmod(target, 0o600);
  return fileId;
}

/** Hidden (the listing passes it over) and recognisable: a file taken but not yet copied to another volume. */
const HELD_PREFIX = '.leasingtaker-held-';

export function isHeldPath(path: string): boolean {
  return basename(path).startsWith(HELD_PREFIX);
}

/**
 * Copies a held file (see `claimFile`) into the archive now that it is at rest, points its record there and
 * removes the holding copy; false when it changed meanwhile (and stays held). Killed after the copy is named but before the record says so, the next run copies
 * it again under another name: an extra archived copy, never a lost or overwritten one.
 */
export async function archiveHeldFile(
  ledger: Ledger,
  archiveDir: string,
  file: FileRecord,
  now = new Date(),
): Promise<boolean> {
  const target = await copyHeldFile(archiveDir, file.owner, file.name, file.path, now);
  // Changed after all: the next look reads its new rows and tries again later.
  if (target === undefined) return false;
  ledger.setFilePath(file.id, target);
  await unlink(file.path);
  return true;
}

/**
 * Copies a holding copy that no record names (the ledger that knew it was replaced: `ledger new`, or a restored
 * backup older than its take) into the archive like any taken file, and removes it from the inbox: it may be the
 * only copy of that input, so it is kept, never deleted. Its rows are not read. The archived path, or undefined
 * when it changed while it was copied (a writer still at it: the next run tries again).
 */
export async function archiveStrayHeldFile(
  archiveDir: string,
  owner: string,
  name: string,
  path: string,
  now = new Date(),
): Promise<string | undefined> {
  const target = await copyHeldFile(archiveDir, owner, name, path, now);
  if (target !== undefined) await unlink(path);
  return target;
}

/** Copies a held file into the archive under a free name; undefined when it changed while it was copied. */
async function copyHeldFile(
  archiveDir: string,
  owner: string,
  name: string,
  path: string,
  now: Date,
): Promise<string | undefined> {
  const info = await lstat(path);
  const folder = await archiveFolder(archiveDir, owner, now);
  for (;;) {
    const target = await freeName(folder, now, name);
    const copied = await copyIntoArchive(path, target, info);
    if (copied === 'taken') continue;
    return copied === 'changed' ? undefined : target;
  }
}

async function archiveFolder(archiveDir: string, owner: string, now: Date): Promise<string> {
  const folder = archiveDayFolder(archiveDir, owner, now);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
}

/**
 * `archiveName`'s first free number: two files of one name taken in the same second each keep their own.
 * Checked here and enforced again when placing (`placeExclusively`): the run lock keeps other runs out.
 */
async function freeName(folder: string, now: Date, name: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = join(folder, archiveName(now, name, n));
    const taken = await lstat(candidate).then(
      () => true,
      () => false,
    );
    if (
      !taken &&
      !(await lstat(partPath(candidate)).then(
        () => true,
        () => false,
      ))
    )
      return candidate;
  }
}

/**
 * Gives `from` the name `to` if no file has it: a hard link (which fails rather than replace) and then the old
 * name removed, so the inode, and a writer's hold on it, stay. Where the file system has no hard links, a rename
 * after checking the name is free. 'other-volume' when `to` is on another file system.
 */
async function placeExclusively(from: string, to: string): Promise<'placed' | 'taken' | 'other-volume'> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'taken';
    if (code === 'EXDEV') return 'other-volume';
    if (
      code !== 'EPERM' &&
      code !== 'ENOTSUP' &&
      code !== 'EOPNOTSUPP' &&
      code !== 'ENOSYS' &&
      code !== 'EMLINK'
    )
      throw error;
    const taken = await lstat(to).then(
      () => true,
      () => false,
    );
    if (taken) return 'taken';
    try {
      await rename(from, to);
      return 'placed';
    } catch (renameError) {
      if ((renameError as NodeJS.ErrnoException).code === 'EXDEV') return 'other-volume';
      throw renameError;
    }
  }
  await unlink(from);
  return 'placed';
}

/**
 * Copies `from` to `to` on another volume: under `<to>.part`, created 0600 (it holds fødselsnummer from its first
 * byte), flushed to disk, then placed under its name without overwriting anything. A half copy never carries the
 * name the ledger reads. 'changed', with nothing left behind, when the source changed while it was copied (a
 * writer still at work); 'taken' when `to` appeared meanwhile.
 */
async function copyIntoArchive(
  from: string,
  to: string,
  expected: { readonly size: number; readonly mtimeMs: number },
): Promise<'copied' | 'changed' | 'taken'> {
  const temp = partPath(to);
  try {
    // Created exclusively and 0600 before a byte is in it; flushed to disk as the stream closes it.
    const copy = await open(temp, 'wx', 0o600);
    await pipeline(createReadStream(from), copy.createWriteStream({ flush: true }));
    const after = await stat(from);
    if (after.size !== expected.size || after.mtimeMs !== expected.mtimeMs) {
      await unlink(temp);
      return 'changed';
    }
    const placed = await placeExclusively(temp, to);
    if (placed === 'other-volume') throw new Error(`${temp} and ${to} are on different volumes`);
    if (placed === 'taken') await unlink(temp);
    return placed === 'placed' ? 'copied' : 'taken';
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}
