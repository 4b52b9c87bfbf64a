import {
  closeSync,
  copyFileSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const LEDGER_FILE = 'ledger.sqlite';
const BACKUP_FILE = '.ledger-backup.sqlite';

/**
 * The job's own copy of the ledger lives beside the archive, on the archive's volume: what loses the state
 * volume should not take the backup with it. Hidden names, so that retention (which leaves hidden files alone)
 * never removes it. `behind` exists from the start of a run until that run's backup is written: a backup
 * without it holds everything the ledger held.
 */
export function backupPlaces(archiveDir: string): { backup: string; behind: string } {
  return { backup: join(archiveDir, BACKUP_FILE), behind: join(archiveDir, '.ledger-backup.behind') };
}

/** The backup, its `behind` mark and their temporary files: the job's own, not archived inputs. */
export function isLedgerBackup(path: string): boolean {
  return basename(path).startsWith('.ledger-backup.');
}

/** When the backup was written (its file's time), or undefined without one. */
export function backupTime(archiveDir: string): Date | undefined {
  const info = statSync(backupPlaces(archiveDir).backup, { throwIfNoEntry: false });
  return info && info.size > 0 ? info.mtime : undefined;
}

/** Marks the backup as behind the ledger: a run is about to change it. */
export function markBackupBehind(archiveDir: string, startedAt: Date): void {
  writeFileSync(backupPlaces(archiveDir).behind, `${JSON.stringify({ since: startedAt.toISOString() })}\n`, {
    mode: 0o600,
  });
}

export function markBackupCurrent(archiveDir: string): void {
  rmSync(backupPlaces(archiveDir).behind, { force: true });
}

/**
 * Writes a consistent copy of the ledger (SQLite's `VACUUM INTO`, which reads through the open connection's
 * snapshot) beside the archive. Written under a temporary name that is 0600 from its creation, switched to
 * rollback journaling (so that reading the backup never makes -wal/-shm files beside it), checked, flushed, and
 * only then renamed over the previous backup: a kill or a full disk at any moment leaves the previous backup
 * whole. About 1.2 s for a ledger of a million rows, plus 0.5 s for the check (bench/ledger-check.ts).
 */
export function writeBackup(db: DatabaseSync, archiveDir: string): void {
  const { backup } = backupPlaces(archiveDir);
  const temp = `${backup}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  // VACUUM INTO takes an existing file only when it is empty: made here, it has the owner's mode from the start.
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    const copy = new DatabaseSync(temp);
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
      assertSound(copy, 'the new backup');
    } finally {
      copy.close();
    }
    fsyncFile(temp);
    renameSync(temp, backup);
    fsyncFile(dirname(backup));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Puts the backup in the ledger's place: the ledger there (if any) is moved aside first, with its WAL (a WAL
 * left beside the restored file would be replayed into it), and the copy is checked before it takes the name.
 * Returns where the old ledger went, if anywhere.
 */
export function restoreBackup(stateDir: string, archiveDir: string, damaged: boolean): string | undefined {
  const { backup } = backupPlaces(archiveDir);
  const target = join(stateDir, LEDGER_FILE);
  const temp = join(stateDir, `.${LEDGER_FILE}.restore.tmp`);
  rmSync(temp, { force: true });
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    copyFileSync(backup, temp);
    const copy = new DatabaseSync(temp);
    try {
      assertSound(copy, `the backup ${backup}`);
    } finally {
      copy.close();
    }
    fsyncFile(temp);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const aside = moveLedgerAside(stateDir, damaged);
  renameSync(temp, target);
  fsyncFile(stateDir);
  return aside;
}

/**
 * Moves the ledger and its WAL out of the way under a dated name (kept for a person to look at: it may hold
 * what the backup lacks, and it is 0600 like the ledger); a ledger of 0 bytes is simply removed.
 */
export function moveLedgerAside(stateDir: string, damaged: boolean): string | undefined {
  const file = join(stateDir, LEDGER_FILE);
  const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
  const aside = join(stateDir, `${LEDGER_FILE}.${damaged ? 'damaged' : 'aside'}-${stamp}`);
  const info = statSync(file, { throwIfNoEntry: false });
  let moved: string | undefined;
  if (info && info.size > 0) {
    renameSync(file, aside);
    moved = aside;
  } else rmSync(file, { force: true });
  const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
  if (wal && wal.size > 0) renameSync(`${file}-wal`, `${aside}-wal`);
  else rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return moved;
}

/** Removes what a backup or a restore killed halfway left: their temporary files (the job's own, 0600). */
export function removeBackupLeftovers(stateDir: string, archiveDir: string): void {
  const prefix = `${BACKUP_FILE}.`;
  const entries = (() => {
    try {
      return readdirSync(archiveDir);
    } catch {
      return [];
    }
  })();
  for (const name of entries) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) unlinkSync(join(archiveDir, name));
  }
  rmSync(join(stateDir, `.${LEDGER_FILE}.restore.tmp`), { force: true });
}

function assertSound(db: DatabaseSync, what: string): void {
  const result = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
  const tables = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('files', 'rows', 'meta')")
    .get() as {
    n: number;
  };
  if (result.length !== 1 || result[0]?.quick_check !== 'ok' || tables.n !== 3)
    throw new Error(`${what} fails its check: ${result.map((row) => row.quick_check).join('; ')}`);
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
