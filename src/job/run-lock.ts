import { chmodSync, closeSync, existsSync, mkdirSync, openSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { usingFolder } from '../storage/surroundings.ts';

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
}

/** The lock's file in the state folder: an empty SQLite database whose exclusive lock is the run lock. */
export const RUN_LOCK_FILE = 'run.lock.sqlite';

/**
 * One run at a time per state folder, across processes and containers sharing the volume.
 *
 * The lock is SQLite's own exclusive lock on `run.lock.sqlite` (a POSIX record lock, LockFileEx on Windows),
 * held by an open connection in exclusive locking mode for the whole run. The operating system drops it the
 * moment the holder ends, however it ends: a run killed with SIGKILL, by the OOM killer or by a power cut of its
 * container leaves no stale lock behind, and the next run starts at once. There is no staleness guess either, so
 * a long pause (a laptop asleep, a stalled volume) can't make a live run's lock look abandoned and let a second
 * run in. Same requirement as the ledger beside it: a local volume (or one whose file locks work, which SQLite
 * needs anyway).
 */
export async function acquireRunLock(stateDir: string): Promise<() => Promise<void>> {
  const file = join(stateDir, RUN_LOCK_FILE);
  const db = usingFolder('state', stateDir, () => {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    try {
      return lock(file);
    } catch (error) {
      // The lock file holds nothing: one that isn't a database (garbage written into it) is emptied in place,
      // keeping its inode, so that a run racing this one locks the same file. No run can hold a lock on it:
      // taking one reads the header first, and that is what failed.
      if ((error as { errcode?: unknown }).errcode !== SQLITE_NOTADB) throw error;
      truncateSync(file, 0);
      return lock(file);
    }
  });
  return async () => {
    if (db.isOpen) db.close();
  };
}

const SQLITE_NOTADB = 26;

function lock(file: string): DatabaseSync {
  // timeout 0: a held lock refuses at once instead of waiting for the other run to end.
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = MEMORY');
    // In exclusive locking mode the lock taken by BEGIN EXCLUSIVE outlives the COMMIT, until close().
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return db;
  } catch (error) {
    db.close();
    if (isBusy(error)) {
      throw new RunLockedError(
        `Another run is working with the state folder ${dirname(file)}; this run does nothing. ` +
          'The lock ends with that run, also if it crashes or is killed.',
      );
    }
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with or without extended codes.
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}
