// Taking one file from the inbox, with what can go wrong sorted into the file's trouble (it stays in the inbox,
// and the log says why) and the archive's (the run stops: the next file would fail the same way).

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { Ledger } from '../ledger/ledger.ts';
import { NotAFileError } from '../storage/hash-file.ts';
import { asSurroundingsError, isLedgerError, SurroundingsError } from '../storage/surroundings.ts';
import { type ClaimOptions, claimFile } from './claim-file.ts';
import type { InboxFile } from './listing.ts';

export type Taken =
  | { readonly fileId: number }
  /** Left in the inbox. `attention`: a person has to act before it can be taken (the run exits 1). */
  | { readonly left: string; readonly attention: boolean };

const inside = (folder: string, path: unknown) =>
  typeof path === 'string' && !relative(folder, path).startsWith('..');

/**
 * Claims the file into the archive (claim-file.ts). A file the job may not read, or that is gone or not a file
 * after all, is left where it is; a full or unwritable archive, or a ledger that can't be written, throws a
 * SurroundingsError.
 */
export async function takeFile(
  ledger: Ledger,
  places: { readonly archive: string; readonly state: string },
  file: InboxFile,
  options: ClaimOptions,
): Promise<Taken> {
  try {
    return { fileId: await claimFile(ledger, places.archive, file, options) };
  } catch (error) {
    if (error instanceof SurroundingsError) throw error;
    if (error instanceof NotAFileError)
      return { left: 'is not a regular file (any more); left alone', attention: false };
    const { code, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
    if (code === 'ELOOP') return { left: 'is a symbolic link; links are not followed', attention: false };
    if (code === 'ENOENT' && path === file.path) return { left: 'is gone from the inbox', attention: false };
    if (isLedgerError(error)) {
      const failure = asSurroundingsError(error, 'state', places.state);
      if (failure) throw failure;
    }
    if (await archiveSide(error, places.archive, file)) {
      const failure = asSurroundingsError(error, 'archive', places.archive);
      if (failure) throw failure;
    }
    const why = code ?? (error as Error).message;
    const target = inside(places.archive, dest ?? path) ? ' into the archive' : '';
    return { left: `cannot be read or moved${target} (${why}); left in the inbox`, attention: true };
  }
}

/**
 * Whether the archive is what failed. A full disk can only be the archive's (leaving the inbox takes no
 * space). A refused rename names both folders; the inbox side is the one the job may not write.
 */
async function archiveSide(error: unknown, archive: string, file: InboxFile): Promise<boolean> {
  const { code, path, dest, syscall } = error as NodeJS.ErrnoException & { dest?: string };
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  if (syscall === 'rename' || syscall === 'unlink') {
    const inboxWritable = await access(dirname(file.path), constants.W_OK).then(
      () => true,
      () => false,
    );
    return inboxWritable && syscall === 'rename';
  }
  return inside(archive, dest ?? path);
}
