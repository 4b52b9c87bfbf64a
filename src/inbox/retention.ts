import type { Dirent } from 'node:fs';
import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { dayFolderEnd, isDayFolder } from '../storage/archive-layout.ts';
import { isOwnerFolder } from './owner-folder.ts';

export interface RetentionSettings {
  readonly reports: string;
  readonly archive: string;
  /** LEASINGTAKER_RETENTION_DAYS; no retention when absent. */
  readonly retentionDays?: number;
  /** LEASINGTAKER_MAX_RUNS: a file whose rows are still retried is still in play. */
  readonly maxRuns: number;
}

export interface RetentionResult {
  /** Everything older than this (ISO time) went. */
  readonly cutoff: string;
  readonly reports: number;
  readonly archived: number;
  /** Files whose rows had their personal fields blanked in the ledger. */
  readonly ledgerFiles: number;
}

/** What the run writes into the reports folder: workbooks, summaries, retry files. Nothing else is touched. */
const REPORT_EXTENSIONS: ReadonlySet<string> = new Set(['.xlsx', '.csv', '.json']);

/**
 * Reports and ledger rows hold personal data, so they are not kept for ever: at the start of each run, report
 * files and archived inputs older than LEASINGTAKER_RETENTION_DAYS are deleted, and the ledger blanks the
 * personal fields (request, input cells, the API's answer, error texts) of files finished before then. Plates,
 * statuses, counts, times and the lessee's salted hash stay, so `history` and the "already done" check go on
 * working. This is the one exception to "nothing is ever deleted", and it never touches a file still in play:
 * one that is unfinished, or whose rows are still retried, keeps its archived input and its ledger rows.
 */
export async function applyRetention(
  settings: RetentionSettings,
  ledger: Ledger,
  logger: Logger,
  now: Date = new Date(),
): Promise<RetentionResult | undefined> {
  if (settings.retentionDays === undefined) return undefined;
  const cutoffMs = now.getTime() - settings.retentionDays * 86_400_000;

  const inPlay = [...ledger.unfinishedFiles(), ...ledger.filesWithRetryableRows(settings.maxRuns)];
  const keep = new Set(inPlay.map((file) => resolve(file.path)));
  // A retried file's rows must keep their requests: the ledger's cutoff stops short of the oldest such file.
  const ledgerCutoffMs = Math.min(
    cutoffMs,
    ...inPlay.map((file) => (file.finishedAt ? Date.parse(file.finishedAt) : cutoffMs)),
  );

  // A folder retention may not look into or delete from is logged and passed over: it must not stop the run
  // (the files waiting in the inbox matter more), but someone has to see that personal data stays.
  const problems: string[] = [];
  const reports = await removeOld(
    settings.reports,
    cutoffMs,
    (path) => REPORT_EXTENSIONS.has(extname(path).toLowerCase()),
    problems,
  );
  const archived = await removeOld(
    settings.archive,
    cutoffMs,
    (path) => !keep.has(resolve(path)),
    problems,
    true,
  );
  if (problems.length > 0) {
    logger.warn(
      { folders: problems.slice(0, 10) },
      `Retention could not look into or delete from ${problems.length} folder(s), starting with ${problems[0]}; ` +
        'what is there older than LEASINGTAKER_RETENTION_DAYS stays until the job may remove it.',
    );
  }
  const ledgerFiles = ledger.purgeBefore(new Date(ledgerCutoffMs).toISOString());

  const result = { cutoff: new Date(cutoffMs).toISOString(), reports, archived, ledgerFiles };
  if (reports + archived + ledgerFiles > 0) {
    logger.info(
      { retentionDays: settings.retentionDays, ...result },
      `Retention: removed ${reports} report file(s) and ${archived} archived input(s), and blanked the personal ` +
        `data of ${ledgerFiles} file(s) in the ledger, older than ${settings.retentionDays} days.`,
    );
  } else logger.debug({ retentionDays: settings.retentionDays, ...result }, 'Retention: nothing old enough.');
  return result;
}

/**
 * Deletes the regular files under `root` older than the cutoff that `wanted` accepts; symbolic links and hidden
 * files are left alone. In the archive, a file's age is also read from its date folder (the day it was taken):
 * a move keeps the file's own time, which may be months before it was dropped.
 */
async function removeOld(
  root: string,
  cutoffMs: number,
  wanted: (path: string) => boolean,
  problems: string[],
  archive = false,
): Promise<number> {
  let removed = 0;
  const entries = await listTree(root, problems);
  const folders = new Set<string>();
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const path = join(entry.parentPath, entry.name);
    if (!wanted(path)) continue;
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    let age = info.mtimeMs;
    const folder = basename(entry.parentPath);
    const taken = archive ? dayFolderEnd(folder) : undefined;
    if (taken !== undefined) age = Math.max(age, taken);
    if (age >= cutoffMs) continue;
    const gone = await unlink(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') problems.push(`${entry.parentPath} (${error.code})`);
        return false;
      },
    );
    if (!gone) continue;
    removed += 1;
    if (archive && isDayFolder(folder)) folders.add(entry.parentPath);
  }
  // The archive's day folders that are now empty go too (rmdir refuses a folder that is not empty).
  for (const folder of folders) {
    if (resolve(folder) === resolve(root)) continue;
    await rmdir(folder).catch(() => {});
    const owner = dirname(folder);
    if (resolve(owner) !== resolve(root) && isOwnerFolder(basename(owner)))
      await rmdir(owner).catch(() => {});
  }
  return removed;
}

/**
 * Every entry under `root`, folder by folder, without following links. `readdir`'s own `recursive` gives up on
 * the whole tree at the first folder it may not read; here that folder is noted in `problems` and the rest is
 * listed.
 */
async function listTree(root: string, problems: string[]): Promise<Dirent[]> {
  const found: Dirent[] = [];
  const pending = [root];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push(`${folder} (${code})`);
      continue;
    }
    for (const entry of entries) {
      found.push(entry);
      if (entry.isDirectory()) pending.push(join(folder, entry.name));
    }
  }
  return found;
}
