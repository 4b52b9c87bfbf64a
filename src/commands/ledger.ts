import { type Dirent, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadEnvFile, settingReaders } from '../config.ts';
import { acquireRunLock, RunLockedError } from '../job/run-lock.ts';
import {
  backupTime,
  LEDGER_FILE,
  markBackupCurrent,
  moveLedgerAside,
  restoreBackup,
  writeBackup,
} from '../ledger/backup.ts';
import { setMeta } from '../ledger/guard.ts';
import { LedgerGuardError } from '../ledger/guard-error.ts';
import { inspectMemory, META_ACCEPTED, META_RUN_OPEN } from '../ledger/inspect.ts';
import { Ledger } from '../ledger/ledger.ts';
import { MAYBE_SENT_INPUTS_TABLE } from '../ledger/schema.ts';
import { createLogger, type Logger } from '../log.ts';
import { isArchivedInput, isDayFolder } from '../storage/archive-layout.ts';
import { hashFile } from '../storage/hash-file.ts';
import { SurroundingsError, usingFolder } from '../storage/surroundings.ts';

export type LedgerAction = 'restore' | 'keep' | 'new';

/**
 * `leasingtaker ledger restore|keep|new`: the deliberate answers to a run that refused a missing or damaged
 * ledger, so that nobody edits the state folder by hand. Each takes the run lock, changes the ledger, and
 * writes a fresh backup of the result, so the choice is the job's memory from then on. Exit 0 when done, 1 when
 * a run holds the lock, 2 when the action can't be done.
 */
export async function ledgerCommand(
  action: LedgerAction,
  options: { state?: string; archive?: string; envFile?: string },
): Promise<number> {
  try {
    loadEnvFile(options.envFile);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const env = process.env;
  // The folders and the retry budget as a run reads them (settings.ts): same flags, variables, defaults, ranges.
  const problems: string[] = [];
  const read = settingReaders(env, { state: options.state, archive: options.archive }, problems);
  const state = resolve(read.text('state'));
  const archive = resolve(read.text('archive'));
  const maxRuns = read.integer('maxRuns');
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return 2;
  }
  const logger = await createLogger({
    level: env.LOG_LEVEL?.trim() || 'info',
    pretty: process.stdout.isTTY === true,
  });
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireRunLock(state);
    await usingFolder('state', state, () => act(action, { state, archive, maxRuns }, logger));
    return 0;
  } catch (error) {
    if (error instanceof RunLockedError) {
      logger.error(`${error.message} Try again when it has finished.`);
      return 1;
    }
    if (error instanceof LedgerGuardError || error instanceof SurroundingsError) {
      logger.error(error.message);
      return 2;
    }
    throw error;
  } finally {
    await release?.();
  }
}

async function act(
  action: LedgerAction,
  places: { state: string; archive: string; maxRuns: number },
  logger: Logger,
): Promise<void> {
  const { state, archive } = places;
  const found = inspectMemory(state, archive);
  const damaged = found.ledger === 'damaged';
  if (action === 'restore') {
    const time = backupTime(archive)?.toISOString();
    if (time === undefined)
      throw new LedgerGuardError(`There is no backup of the ledger beside the archive (${archive}).`);
    const aside = restoreBackup(state, archive, damaged);
    await settle(state, archive, async (db) => {
      if (found.backup !== 'behind') return;
      // The last run's work is not in the backup: any row without an outcome may have gone out in it.
      const maybe = markOpenRowsMaybeSent(db, places.maxRuns);
      const unknown = archivedFilesUnknownTo(db, archive);
      await rememberMaybeSentInputs(db, archive, unknown);
      logger.warn(
        { rows: maybe, files: unknown.length },
        `The backup is older than the last run: ${maybe} row(s) without an outcome go out as "maybe sent" ` +
          '(an "already registered" answer then counts as ok).' +
          (unknown.length > 0
            ? ` ${unknown.length} archived file(s) are unknown to it (taken by that run): put them back in ` +
              `the inbox to have their rows sent: ${unknown.slice(0, 10).map(maskDigits).join(', ')}` +
              `${unknown.length > 10 ? ', …' : ''}.`
            : ''),
      );
    });
    logger.warn(
      { backup: time, keptAside: aside },
      `Restored the ledger from the backup of ${time} beside the archive` +
        `${aside ? `; the old ledger is kept as ${aside}` : ''}.`,
    );
    return;
  }
  if (action === 'keep') {
    if (found.ledger === 'absent') {
      throw new LedgerGuardError(
        `There is no ledger in ${state} to keep. \`leasingtaker ledger restore\` takes the backup beside the ` +
          'archive; `leasingtaker ledger new` starts an empty ledger on purpose.',
      );
    }
    if (damaged) {
      throw new LedgerGuardError(
        `The ledger in ${state} is damaged (${found.damage}) and can't be kept: ` +
          '`leasingtaker ledger restore` or `leasingtaker ledger new`.',
      );
    }
    Ledger.open(state).close();
    let maybe = 0;
    let unknown: string[] = [];
    await settle(state, archive, async (db) => {
      setMeta(db, META_ACCEPTED, new Date().toISOString());
      // Lost with the WAL: outcomes, and `sending` marks of rows that went out.
      if (found.walLost) maybe = markOpenRowsMaybeSent(db, places.maxRuns);
      // And the records of the files that run took: archived, but nothing would send their rows.
      if (found.walLost) {
        unknown = archivedFilesUnknownTo(db, archive);
        await rememberMaybeSentInputs(db, archive, unknown);
      }
    });
    logger.warn(
      { rows: maybe, files: unknown.length },
      `The ledger in ${state} is kept as it is, on purpose; runs use it from now on` +
        `${maybe > 0 ? `, and its ${maybe} row(s) without an outcome go out as "maybe sent"` : ''}.` +
        (unknown.length > 0
          ? ` ${unknown.length} archived file(s) are unknown to it (taken by the run whose changes were lost): ` +
            `put them back in the inbox to have their rows sent: ${unknown.slice(0, 10).map(maskDigits).join(', ')}` +
            `${unknown.length > 10 ? ', …' : ''}.`
          : ''),
    );
    return;
  }
  const aside = moveLedgerAside(state, damaged);
  Ledger.open(state).close();
  await settle(state, archive, (db) => setMeta(db, META_ACCEPTED, new Date().toISOString()));
  logger.warn(
    { keptAside: aside },
    `Started afresh on purpose: a new, empty ledger in ${state}` +
      `${aside ? `; the old one is kept as ${aside} (delete it when it is no longer needed: it holds personal data)` : ''}.`,
  );
}

/**
 * Applies `change`, clears the mark of an unfinished run, and makes the result the backup. The run lock is held,
 * so no run writes the ledger while `change` waits for the hashes of archived files.
 */
async function settle(
  state: string,
  archive: string,
  change: (db: DatabaseSync) => void | Promise<void>,
): Promise<void> {
  const db = new DatabaseSync(join(state, LEDGER_FILE), { timeout: 5000 });
  try {
    await change(db);
    setMeta(db, META_RUN_OPEN, '0');
    writeBackup(db, state, archive);
    markBackupCurrent(archive);
  } finally {
    db.close();
  }
}

/**
 * Rows that are still to be sent or retried become `sending`, the ledger's "handed to the API, never answered":
 * the next run sends them with maybeSentBefore, so that an "already so" merknad counts as ok.
 */
function markOpenRowsMaybeSent(db: DatabaseSync, maxRuns: number): number {
  const result = db
    .prepare("UPDATE rows SET status = 'sending' WHERE status IN ('pending', 'failed') AND runs < ?")
    .run(maxRuns);
  return Number(result.changes);
}

/**
 * The killed run took these files and may have sent some of their rows: put back in the inbox as the message
 * asks, their rows go out as "maybe sent", so an "already registered" answer counts as done, not as stopped.
 * Known by their bytes (a file corrected since is a new file). The table may be new to an older backup.
 */
async function rememberMaybeSentInputs(
  db: DatabaseSync,
  archive: string,
  unknown: readonly string[],
): Promise<void> {
  db.exec(MAYBE_SENT_INPUTS_TABLE);
  const insert = db.prepare('INSERT OR IGNORE INTO maybe_sent_inputs (sha256) VALUES (?)');
  for (const path of unknown) {
    try {
      insert.run(await hashFile(join(archive, path)));
    } catch {
      // Unreadable now: put back, its rows go out as new ones, as before.
    }
  }
}

/** Archived inputs the ledger has no record of, as `date/name` (the archive's layout). */
function archivedFilesUnknownTo(db: DatabaseSync, archive: string): string[] {
  const key = (path: string) => `${basename(dirname(path))}/${basename(path)}`;
  const known = new Set(
    (db.prepare('SELECT path FROM files').all() as { path: string }[]).map((row) => key(row.path)),
  );
  let entries: Dirent[];
  try {
    entries = readdirSync(archive, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  // Files only, as the guard's inspection counts them (ledger/inspect.ts): a folder in a day folder is no input.
  return entries
    .filter(
      (entry) => entry.isFile() && isArchivedInput(entry.name) && isDayFolder(basename(entry.parentPath)),
    )
    .map((entry) => relative(archive, join(entry.parentPath, entry.name)))
    .filter((path) => !known.has(key(path)))
    .sort();
}

/** A file name may hold a fødselsnummer: 11 digits in a row are masked before it is logged. */
function maskDigits(name: string): string {
  return name.replace(/\d{11}/g, (digits) => `${digits.slice(0, 6)}*****`);
}
