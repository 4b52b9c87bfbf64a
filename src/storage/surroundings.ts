// Failures of the surroundings, as opposed to failures of one file: a folder that is full or that the job may
// not write is the same for every file after it, so the run stops and says what to fix, instead of failing
// file after file (or crashing). One file's own trouble (a file it may not read) is that file's outcome.
// The one place that turns a folder's trouble into a message: the run's stages, the ledger's guard and run lock,
// and the `ledger` commands all use it, so a full or unwritable folder reads the same wherever it was met.

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
  /** `message` for a trouble without a remedy of its own (see `usingFolder`); otherwise it says what to do. */
  constructor(place: Place, folder: string, code: string, options?: { cause?: unknown; message?: string }) {
    super(
      options?.message ?? describe(place, folder, code),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
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

/**
 * Any other way a folder can't be used (another program holding the ledger, a name that is not a folder where
 * SQLite looks): which folder, the system's own words, and what to check.
 */
function otherTrouble(place: Place, folder: string, cause: unknown): string {
  return (
    `The ${place} folder ${folder} cannot be used (${otherCode(cause)}: ${(cause as Error | undefined)?.message}). ` +
    `Check that it is a folder this user (uid ${process.getuid?.() ?? '?'}) may write, with free space, on a local volume.`
  );
}

/** The errno code of a failed call, else SQLite's words for its result (`database is locked`). */
function otherCode(error: unknown): string {
  const { code, errstr } = (error ?? {}) as { code?: unknown; errstr?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return typeof errstr === 'string' ? errstr : 'error';
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

/**
 * Runs `work` (and, when it returns a promise, waits for it), turning a failure of the folder itself into a
 * SurroundingsError of `place`: a full, unwritable or failing disk as `asSurroundingsError` says it, and any other
 * failure of the file system or of SQLite's storage (the ledger held by another program, a name that is not a
 * folder) with the system's own words. Other errors (a refusal of the ledger's guard, the run lock held) pass.
 */
export function usingFolder<T>(place: Place, folder: string, work: () => T): T {
  const fail = (error: unknown): never => {
    throw asFolderTrouble(error, place, folder) ?? error;
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch(fail) : result) as T;
  } catch (error) {
    return fail(error);
  }
}

function asFolderTrouble(error: unknown, place: Place, folder: string): SurroundingsError | undefined {
  const surroundings = asSurroundingsError(error, place, folder);
  if (surroundings || !isStorageError(error)) return surroundings;
  const message = otherTrouble(place, folder, error);
  return new SurroundingsError(place, folder, otherCode(error), { cause: error, message });
}

function isStorageError(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  // SQLite: BUSY (5) and LOCKED (6): another program holds the ledger; CANTOPEN (14), READONLY (8), IOERR (10),
  // FULL (13), PERM (3): the folder or the disk.
  return typeof errcode === 'number' && [3, 5, 6, 8, 10, 13, 14].includes(errcode & 0xff);
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
