// Failures of the surroundings, as opposed to failures of one file: a folder that is full or that the job may
// not write is the same for every file after it, so the run stops and says what to fix, instead of failing
// file after file (or crashing). One file's own trouble (a file it may not read) is that file's outcome.

import { randomUUID } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The job's folders, by the name a person knows them by (and the variable that sets each). */
export type Place = 'inbox' | 'reports' | 'archive' | 'state';

const VARIABLE: Readonly<Record<Place, string>> = {
  inbox: 'LEASINGTAKER_INBOX',
  reports: 'LEASINGTAKER_REPORTS',
  archive: 'LEASINGTAKER_ARCHIVE',
  state: 'LEASINGTAKER_STATE',
};

const NORWEGIAN: Readonly<Record<Place, string>> = {
  inbox: 'innboksen',
  reports: 'mappen for rapporter',
  archive: 'arkivmappen',
  state: 'mappen for loggboken (state)',
};

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);
const BROKEN = new Set(['EIO', 'ENXIO', 'ESTALE']);

/** A folder of the job that is full, not writable or failing: the run stops, with what to do. */
export class SurroundingsError extends Error {
  override readonly name = 'SurroundingsError';
  readonly place: Place;
  readonly folder: string;
  readonly code: string;
  /** For the Oppsummering sheet of files the stop interrupted, in Norwegian. */
  readonly notice: string;
  constructor(place: Place, folder: string, code: string, options?: { cause?: unknown }) {
    super(describe(place, folder, code), options);
    this.place = place;
    this.folder = folder;
    this.code = code;
    this.notice =
      `Kjøringen stoppet fordi ${NORWEGIAN[place]} ${FULL.has(code) ? 'er full' : 'ikke kan skrives til'}. ` +
      'Ingenting er tapt: rader som ikke ble sendt, sendes ved neste kjøring når det er rettet.';
  }
}

function describe(place: Place, folder: string, code: string): string {
  const where = `The ${place} folder ${folder} (${VARIABLE[place]})`;
  const after = 'then run again: the next run goes on where this one stopped, and sends nothing twice.';
  if (FULL.has(code)) return `${where} is full (${code}). Free space there, ${after}`;
  if (BROKEN.has(code))
    return `${where} fails with an I/O error (${code}). Check the disk or the mount, ${after}`;
  const user = `the user the job runs as (uid ${process.getuid?.() ?? '?'})`;
  if (code === 'EROFS') return `${where} cannot be written (${code}): mount it read-write, ${after}`;
  if (code === 'ENOTDIR')
    return `${where} is not a folder (${code}): point the variable at a folder, ${after}`;
  return `${where} cannot be written (${code}): give ${user} write access to it, ${after}`;
}

/** node:sqlite reports a full disk and a read-only file as SQLite result codes, not as errno codes. */
const SQLITE_CODES: Readonly<Record<number, string>> = { 8: 'EROFS', 10: 'EIO', 13: 'ENOSPC', 14: 'EACCES' };

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  // SQLITE_IOERR_* and the others carry extended codes: the primary code is the low byte.
  if (isLedgerError(error) && typeof errcode === 'number') return SQLITE_CODES[errcode & 0xff];
  return typeof code === 'string' ? code : undefined;
}

/** node:sqlite's errors: the ledger could not be written, which is the state folder's trouble, not a file's. */
export function isLedgerError(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ERR_SQLITE_ERROR';
}

/** Whether an error is one of the surroundings' (full, not writable, failing disk), whichever folder. */
export function isSurroundingsCode(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (FULL.has(code) || DENIED.has(code) || BROKEN.has(code));
}

/** The error as a failure of `place`, if it is one of the surroundings' kind; otherwise undefined. */
export function asSurroundingsError(
  error: unknown,
  place: Place,
  folder: string,
): SurroundingsError | undefined {
  if (error instanceof SurroundingsError) return error;
  if (!isSurroundingsCode(error)) return undefined;
  let code = errorCode(error) as string;
  // SQLite says "disk I/O error" for a write that found the disk full: the disk's free space tells which.
  if (BROKEN.has(code) && isFull(folder)) code = 'ENOSPC';
  return new SurroundingsError(place, folder, code, { cause: error });
}

/** Less room left than a page or two of the ledger. */
function isFull(folder: string): boolean {
  try {
    const info = statfsSync(folder);
    return info.bavail * info.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/**
 * Creates the folder if it is missing (0700 unless told: what the job writes holds personal data) and proves it
 * takes a new file with a real write: a read-only mount, or a share whose permissions the client only
 * guesses, passes `access()`. A run checks its folders before it takes anything from the inbox.
 */
export async function checkWritable(place: Place, folder: string, mode = 0o700): Promise<void> {
  // Hidden, so no run or retention takes it; not `.tmp`, which in the reports folder means a report being written.
  const probe = join(folder, `.leasingtaker-write-check-${randomUUID().slice(0, 8)}`);
  try {
    await mkdir(folder, { recursive: true, mode });
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await unlink(probe);
  } catch (error) {
    const code = errorCode(error);
    // Something else by the folder's name (a file, or a file where a parent folder should be).
    if (code === 'ENOTDIR' || code === 'EEXIST')
      throw new SurroundingsError(place, folder, 'ENOTDIR', { cause: error });
    throw asSurroundingsError(error, place, folder) ?? error;
  }
}
