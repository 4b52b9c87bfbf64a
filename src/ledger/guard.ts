import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../log.ts';
import { usingFolder } from '../storage/surroundings.ts';
import {
  backupTime,
  LEDGER_FILE,
  markBackupBehind,
  markBackupCurrent,
  removeBackupLeftovers,
  removeOldAsideLedgers,
  restoreBackup,
  writeBackup,
} from './backup.ts';
import { LedgerGuardError } from './guard-error.ts';
import { inspectMemory, META_RUN_OPEN } from './inspect.ts';
import { Ledger } from './ledger.ts';
import { decideMemory, explainRefusal } from './memory.ts';

export interface MemoryPlaces {
  /** LEASINGTAKER_STATE: the ledger. */
  readonly state: string;
  /** LEASINGTAKER_ARCHIVE: the backup of the ledger lives beside the archived inputs. */
  readonly archive: string;
  /** LEASINGTAKER_RETENTION_DAYS: ledgers kept aside go after this, like the personal data in the ledger. */
  readonly retentionDays?: number;
}

/** The run's ledger, and what to do when the run is over. */
export interface GuardedLedger {
  readonly ledger: Ledger;
  /**
   * Closes the ledger and writes its backup if the run changed it. Never throws: a failed backup is logged,
   * and false says the run needs attention.
   */
  close(): boolean;
}

/**
 * Opens the ledger for a run, inside the run lock, after making sure it is the job's memory: a ledger that is
 * missing or damaged while the archive shows earlier runs is restored from the job's backup when that backup
 * is current (and the run says so), and refused with a `LedgerGuardError` otherwise (see memory.ts). A first run
 * of a fresh installation finds no ledger, an empty archive and no backup, and just starts one.
 *
 * While the run works the ledger carries `run_open` (flushed into the database file itself, not only its WAL):
 * found set at the next start with the WAL gone, it says that file was lost with that run's last changes.
 * Beside the archive, `.ledger-backup.behind` says the backup is older than the ledger, until the run's backup
 * is written.
 */
export function openGuardedLedger(places: MemoryPlaces, logger: Logger): GuardedLedger {
  const { state, archive } = places;
  const db = usingFolder('state', state, () => {
    removeBackupLeftovers(state, archive);
    if (places.retentionDays !== undefined) {
      const removed = removeOldAsideLedgers(state, places.retentionDays);
      if (removed.length > 0) {
        logger.info(
          { removed },
          `Retention: removed ${removed.length} ledger file(s) kept aside more than ${places.retentionDays} days ago.`,
        );
      }
    }
    const found = inspectMemory(state, archive);
    const decision = decideMemory(found);
    if (decision.kind === 'refuse') {
      const time = backupTime(archive)?.toISOString();
      throw new LedgerGuardError(
        explainRefusal(decision, { state, archive, ...(time ? { backupTime: time } : {}) }),
      );
    }
    if (decision.kind === 'restore') {
      const time = backupTime(archive)?.toISOString();
      const aside = restoreOrRefuse(state, archive, found.ledger === 'damaged', decision.problem);
      logger.warn(
        { backup: time, keptAside: aside },
        `Restored the ledger from the backup of ${time} beside the archive: ${decision.problem}. ` +
          'The backup was written after the last run that changed the ledger, so nothing is lost' +
          `${aside ? `; the old ledger is kept as ${aside}` : ''}.`,
      );
    }
    return Ledger.open(state);
  });
  let guard: DatabaseSync | undefined;
  let version: number;
  try {
    const opened = usingFolder('state', state, () => {
      const connection = new DatabaseSync(join(state, LEDGER_FILE), { timeout: 5000 });
      setMeta(connection, META_RUN_OPEN, '1');
      // Into the database file itself: the mark must survive losing the WAL it is about.
      connection.exec('PRAGMA wal_checkpoint(FULL)');
      return connection;
    });
    guard = opened;
    usingFolder('archive', archive, () => {
      mkdirSync(archive, { recursive: true, mode: 0o700 });
      markBackupBehind(archive, new Date());
    });
    version = usingFolder('state', state, () => dataVersion(opened));
  } catch (error) {
    // Nothing of the run happened: its open mark goes, or the next run would take the WAL checkpointed away on
    // close for a lost one.
    try {
      if (guard) setMeta(guard, META_RUN_OPEN, '0');
    } catch {}
    guard?.close();
    db.close();
    throw error;
  }
  const connection = guard;

  return {
    ledger: db,
    close() {
      db.close();
      try {
        // data_version moves when another connection (the run's ledger) committed: the ledger changed.
        const changed = dataVersion(connection) !== version;
        setMeta(connection, META_RUN_OPEN, '0');
        if (changed || backupTime(archive) === undefined) writeBackup(connection, state, archive);
        markBackupCurrent(archive);
        return true;
      } catch (error) {
        logger.error(
          { error: (error as Error).message },
          `The ledger's backup beside the archive (${archive}) could not be written; the previous one stays, ` +
            'marked as older than the ledger. Check the archive folder (free space, permissions).',
        );
        return false;
      } finally {
        connection.close();
      }
    },
  };
}

function restoreOrRefuse(
  state: string,
  archive: string,
  damaged: boolean,
  problem: string,
): string | undefined {
  try {
    return restoreBackup(state, archive, damaged);
  } catch (error) {
    if (error instanceof LedgerGuardError) throw error;
    throw new LedgerGuardError(
      `${explainRefusal({ kind: 'refuse', problem, remedies: ['new'] }, { state, archive })}\n` +
        `(The job's backup could not be restored: ${(error as Error).message}.)`,
    );
  }
}

export function setMeta(db: DatabaseSync, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

function dataVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA data_version').get() as { data_version: number }).data_version);
}
