import { opendirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isArchivedInput, isDayFolder } from '../storage/archive-layout.ts';
import { backupPlaces, LEDGER_FILE } from './backup.ts';
import type { MemoryFindings } from './memory.ts';

/** Meta keys the guard keeps in the ledger (the `meta` table of ledger.ts: no schema change). */
export const META_RUN_OPEN = 'run_open';
export const META_ACCEPTED = 'accepted_as_is';

export type Check = 'quick_check' | 'integrity_check';

/**
 * Looks at the ledger, the archive and the backup. With `readOnly` it changes nothing; otherwise (at the start
 * of a run, inside the run lock) SQLite folds a WAL left by a killed run into the file as it closes. `quick_check` at the start of every run: it reads every page of the
 * ledger, but skips matching each index against its table, about 0.5 s for a ledger of a million rows against
 * 1.7 s for `integrity_check`, which `doctor` runs (bench/ledger-check.ts).
 */
export function inspectMemory(
  stateDir: string,
  archiveDir: string,
  check: Check = 'quick_check',
  readOnly = false,
): MemoryFindings & { readonly files: number; readonly rows: number } {
  const ledger = inspectLedger(join(stateDir, LEDGER_FILE), check, readOnly);
  return {
    ...ledger,
    archiveHasFiles: holdsInputFiles(archiveDir),
    backup: backupState(archiveDir),
    runUnfinished: statSync(backupPlaces(archiveDir).behind, { throwIfNoEntry: false }) !== undefined,
  };
}

function inspectLedger(file: string, check: Check, readOnly: boolean) {
  const empty = { knowsFiles: false, acceptedAsIs: false, walLost: false, files: 0, rows: 0 };
  const info = statSync(file, { throwIfNoEntry: false });
  // Measured before opening: opening a database in WAL mode creates the file.
  const walSize = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (!info || info.size === 0) {
    if (walSize > 0)
      return { ...empty, ledger: 'damaged' as const, damage: 'only its write-ahead log is left' };
    return { ...empty, ledger: 'absent' as const };
  }
  if (!info.isFile()) return { ...empty, ledger: 'damaged' as const, damage: 'it is not a file' };
  let db: DatabaseSync | undefined;
  try {
    // Read-only for a look from outside a run (doctor): see Ledger.openReadOnly.
    const conn = new DatabaseSync(file, { timeout: 5000, readOnly });
    db = conn;
    const result = (conn.prepare(`PRAGMA ${check}`).all() as Record<string, string>[]).map(
      (row) => Object.values(row)[0] as string,
    );
    if (result.length !== 1 || result[0] !== 'ok')
      return { ...empty, ledger: 'damaged' as const, damage: result.slice(0, 3).join('; ') };
    const tables = new Set(
      (conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (row) => row.name,
      ),
    );
    // Without its tables (a first run killed while creating them) it knows nothing: as good as absent. Other
    // tables are no sign of anything: migrations add them.
    if (!tables.has('files') || !tables.has('rows') || !tables.has('meta'))
      return { ...empty, ledger: 'absent' as const };
    const meta = new Map(
      (conn.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((row) => [
        row.key,
        row.value,
      ]),
    );
    const count = (table: string) =>
      Number((conn.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    const files = count('files');
    const walLost = meta.get(META_RUN_OPEN) === '1' && walSize === 0;
    // The unfinished run's WAL is intact, and closing this (the last) connection folds it into the ledger and
    // removes it. Its open mark goes with it: else a kill before this run sets its own mark would leave the
    // mark without a WAL, and the next run would take the WAL for lost.
    if (!readOnly && meta.get(META_RUN_OPEN) === '1' && !walLost) {
      conn.prepare('UPDATE meta SET value = ? WHERE key = ?').run('0', META_RUN_OPEN);
    }
    return {
      ledger: 'healthy' as const,
      knowsFiles: files > 0,
      acceptedAsIs: meta.has(META_ACCEPTED),
      walLost,
      files,
      rows: check === 'integrity_check' ? count('rows') : 0,
    };
  } catch (error) {
    // Only what SQLite finds in the file is damage (its message says what). A lock held by another program, a
    // file it may not open or a failing disk says nothing about the ledger: those go up, to be reported as such.
    if (!isDamage(error)) throw error;
    return { ...empty, ledger: 'damaged' as const, damage: (error as Error).message };
  } finally {
    db?.close();
  }
}

/** SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with or without extended codes. */
function isDamage(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

/**
 * Any input file the job archived: a file in a day folder (`<archive>[/<owner>]/2026-12-01/`, as
 * storage/archive-layout.ts names them). Hidden files, the `.part` of a copy under way, and whatever else lies
 * in the archive (an operator's note, a file filling a disk) are not inputs.
 */
export function holdsInputFiles(dir: string, inDayFolder = false): boolean {
  let handle: ReturnType<typeof opendirSync>;
  try {
    handle = opendirSync(dir);
  } catch {
    return false;
  }
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      if (entry.name.startsWith('.')) continue;
      if (inDayFolder && entry.isFile() && isArchivedInput(entry.name)) return true;
      if (entry.isDirectory() && !inDayFolder) {
        const day = isDayFolder(entry.name);
        if (holdsInputFiles(join(dir, entry.name), day)) return true;
      }
    }
    return false;
  } finally {
    handle.closeSync();
  }
}

function backupState(archiveDir: string): MemoryFindings['backup'] {
  const { backup, behind } = backupPlaces(archiveDir);
  const info = statSync(backup, { throwIfNoEntry: false });
  if (!info?.isFile() || info.size === 0) return 'none';
  return statSync(behind, { throwIfNoEntry: false }) ? 'behind' : 'current';
}
