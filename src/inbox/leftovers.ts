// What a run killed at an awkward moment leaves behind, removed by the next run (inside the run lock, so no
// other run is writing them). Only names the job itself makes are touched: report temp files and reservation
// locks, half copies into the archive, holding copies whose move finished, and an inbox name a move had
// already linked into the archive. Each holds personal data, which is why they must not linger.

import { lstat, readdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ownerLogField } from '../domain/owner.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { isArchivedNameOf, isDayFolder, isHalfCopy } from '../storage/archive-layout.ts';
import { hashFile } from '../storage/hash-file.ts';
import { archiveStrayHeldFile } from './claim-file.ts';
import { isOwnerFolder } from './owner-folder.ts';

/** A report set's time (report/files.ts `localTimestamp`). */
const REPORT_STAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}`;
/** `.<report name>.<8 hex>.tmp` (report/files.ts `tempPathFor`), for the names a report set takes. */
const REPORT_TEMP = new RegExp(
  String.raw`^\..+\.${REPORT_STAMP}(-\d+)?\.(xlsx|summary\.json|igjen\.csv|igjen\.xlsx)\.[0-9a-f]{8}\.tmp$`,
);
/** `.<name>.<timestamp>[-n].lock` (report/files.ts `reservePrefix`). */
const REPORT_LOCK = new RegExp(String.raw`^\..+\.${REPORT_STAMP}(-\d+)?\.lock$`);
const HELD = /^\.leasingtaker-held-[0-9a-f]{8}-.+$/;
const HELD_PREFIX_LENGTH = '.leasingtaker-held-12345678-'.length;

/** Which of the job's own leftovers a name is, if any: the rules, apart from the folders they are found in. */
export function isLeftover(place: 'reports' | 'archive' | 'inbox', name: string): boolean {
  if (place === 'reports') return REPORT_TEMP.test(name) || REPORT_LOCK.test(name);
  if (place === 'archive') return isHalfCopy(name);
  return HELD.test(name);
}

export async function removeLeftovers(
  settings: { readonly inbox: string; readonly reports: string; readonly archive: string },
  ledger: Ledger,
  logger: Logger,
): Promise<number> {
  let removed = 0;
  const remove = async (path: string) => {
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) return;
    try {
      await unlink(path);
      removed += 1;
    } catch (error) {
      // A folder the job may not write is the run's to report where it writes; here it is only left for later.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        logger.warn({ file: path, code }, 'Could not remove a leftover of an interrupted run.');
    }
  };
  for (const dir of await withOwnerFolders(settings.reports)) {
    for (const name of await names(dir)) if (isLeftover('reports', name)) await remove(join(dir, name));
  }
  for (const dir of await withOwnerFolders(settings.archive)) {
    for (const day of await names(dir)) {
      if (!isDayFolder(day)) continue;
      for (const name of await names(join(dir, day)))
        if (isLeftover('archive', name)) await remove(join(dir, day, name));
    }
  }
  // A holding copy no record names any more: its move into the archive finished (killed before it was removed),
  // or the ledger that knew it was replaced (`ledger new`, an older backup restored). Only in the first case does
  // the archive hold its bytes; in the second it is the only copy of an input, so it is archived, not deleted.
  for (const dir of await withOwnerFolders(settings.inbox)) {
    const owner = dir === settings.inbox ? '' : basename(dir);
    for (const name of await names(dir)) {
      const path = join(dir, name);
      if (!isLeftover('inbox', name) || ledger.hasFileAt(path)) continue;
      const original = name.slice(HELD_PREFIX_LENGTH);
      if (await archiveHolds(join(settings.archive, owner), original, path)) await remove(path);
      else await archiveStray(settings.archive, owner, original, path, ledger, logger);
    }
  }
  removed += await finishInterruptedMoves(settings.inbox, ledger);
  if (removed > 0) logger.info({ removed }, `Removed ${removed} file(s) an interrupted run left behind.`);
  return removed;
}

/**
 * A move killed after the file got its archive name but before the inbox name went: the same file under both
 * names (the same inode, or across volumes a complete copy with the same bytes). Left so, the next listing would
 * take it a second time; the inbox name is removed instead. A different file dropped under the same name since
 * is told apart by its bytes and left alone.
 */
async function finishInterruptedMoves(inbox: string, ledger: Ledger): Promise<number> {
  let removed = 0;
  for (const file of ledger.unfinishedFiles()) {
    // Never started (runs 0): a file reopened to be read again is not a move in progress.
    if (file.status !== 'reading' || file.runs !== 0 || ledger.lastRowId(file.id) !== 0) continue;
    const original = join(inbox, file.owner, file.name);
    const [there, here] = await Promise.all([
      lstat(file.path).catch(() => undefined),
      lstat(original).catch(() => undefined),
    ]);
    if (!there?.isFile() || !here?.isFile() || there.size !== here.size) continue;
    const same =
      (there.dev === here.dev && there.ino === here.ino) ||
      (await hashFile(file.path)) === (await hashFile(original));
    if (!same) continue;
    try {
      await unlink(original);
      removed += 1;
    } catch {
      // Not ours to remove after all (the inbox not writable): the listing will offer it again, and the run
      // that fails to move it says why.
    }
  }
  return removed;
}

/** Whether an archived input of this name (`<UTC time>Z[-n]-<name>` in a date folder) has the same bytes. */
async function archiveHolds(ownerArchive: string, name: string, path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  let digest: string | undefined;
  for (const day of await names(ownerArchive)) {
    if (!isDayFolder(day)) continue;
    for (const entry of await names(join(ownerArchive, day))) {
      if (!isArchivedNameOf(entry, name)) continue;
      const candidate = join(ownerArchive, day, entry);
      const there = await lstat(candidate).catch(() => undefined);
      if (!there?.isFile() || there.size !== info.size) continue;
      digest ??= await hashFile(path);
      if ((await hashFile(candidate)) === digest) return true;
    }
  }
  return false;
}

async function archiveStray(
  archive: string,
  owner: string,
  name: string,
  path: string,
  ledger: Ledger,
  logger: Logger,
): Promise<void> {
  try {
    // Taken by a run the ledger no longer remembers, which may have sent some of its rows: put back, they
    // count as "maybe sent".
    ledger.rememberMaybeSentInput(await hashFile(path));
    const target = await archiveStrayHeldFile(archive, owner, name, path);
    if (target)
      logger.warn(
        { file: name, owner: ownerLogField(owner), archived: target },
        `${name} was held in the inbox, but the ledger does not know it (started afresh, or restored from an older backup): archived as ${target} without reading it; put it back in the inbox to send its rows.`,
      );
  } catch (error) {
    // A full or unwritable archive: it stays held, and the next run tries again.
    logger.warn(
      { file: name, code: (error as NodeJS.ErrnoException).code },
      `${name} is held in the inbox but unknown to the ledger, and could not be archived yet; the next run tries again.`,
    );
  }
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function withOwnerFolders(root: string): Promise<string[]> {
  const owners = (await names(root)).filter(isOwnerFolder);
  return [root, ...owners.map((owner) => join(root, owner))];
}
