import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { asSurroundingsError } from '../storage/surroundings.ts';
import { ownerFolder } from './owner-folder.ts';

/** A file waiting in the inbox that looks like a finished fleet file. */
export interface InboxFile {
  readonly path: string;
  readonly name: string;
  /** The fleet owner's organisasjonsnummer (sub-folder of the inbox), or '' for the installation's own. */
  readonly owner: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface IgnoredEntry {
  readonly path: string;
  readonly reason: string;
  /**
   * `waiting`: work that can't be taken (a file or an owner's folder the job may not read): the run exits 1 so
   * that someone looks. `odd`: something that is not a file (a link, a FIFO): left alone, worth a warning.
   */
  readonly kind?: 'waiting' | 'odd';
}

/**
 * Whether a name is something staff's tools leave behind rather than a fleet file: Office lock files, hidden
 * files, partial downloads and copies in progress.
 */
export function isTemporaryName(name: string): boolean {
  if (name.startsWith('~$') || name.startsWith('.') || name.startsWith('~')) return true;
  const lower = name.toLowerCase();
  return (
    lower.endsWith('.part') || lower.endsWith('.tmp') || lower.endsWith('.crdownload') || lower.endsWith('~')
  );
}

/**
 * Lists what is waiting: files directly in the inbox (the installation's own organisation) and files in
 * sub-folders named by a fleet owner's organisasjonsnummer. A file is taken only when two looks `settleMs`
 * apart see the same size and mtime, so a copy still being written is left for the next run; one wait covers
 * every file, so a file dropped just before a manual run is taken in that run.
 */
export async function findReadyFiles(
  inbox: string,
  settleMs: number,
): Promise<{ ready: InboxFile[]; ignored: IgnoredEntry[] }> {
  const ignored: IgnoredEntry[] = [];
  const candidates = await listCandidates(inbox, ignored);
  if (candidates.length === 0) return { ready: [], ignored };
  await sleep(settleMs);
  const ready: InboxFile[] = [];
  for (const candidate of candidates) {
    // lstat: a file swapped for a link or a FIFO since the first look is not taken either.
    const again = await lstat(candidate.path).catch(() => undefined);
    if (!again?.isFile()) continue;
    if (again.size !== candidate.size || again.mtimeMs !== candidate.mtimeMs) {
      ignored.push({ path: candidate.path, reason: 'is still being written; left for the next run' });
      continue;
    }
    ready.push(candidate);
  }
  ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  return { ready, ignored };
}

/**
 * What an entry is when it is neither a file nor a folder. These are never opened: opening a FIFO blocks until
 * someone writes to it, and a link may point anywhere, outside the inbox included.
 */
function notAFile(entry: Dirent): string | undefined {
  if (entry.isSymbolicLink()) return 'is a symbolic link; links are not followed (move the file itself in)';
  if (entry.isFIFO()) return 'is a FIFO (named pipe), not a file';
  if (entry.isSocket()) return 'is a socket, not a file';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'is a device, not a file';
  return undefined;
}

async function listCandidates(inbox: string, ignored: IgnoredEntry[]): Promise<InboxFile[]> {
  const found: InboxFile[] = [];
  // The inbox itself unreadable is the surroundings' fault, the same for every file: the run stops and says so.
  const entries = await readdir(inbox, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw asSurroundingsError(error, 'inbox', inbox) ?? error;
  });
  const look = async (entry: Dirent, path: string, owner: string) => {
    if (entry.isFile()) {
      const file = await describe(path, entry.name, owner, ignored);
      if (file) found.push(file);
      return;
    }
    const odd = notAFile(entry);
    if (odd) ignored.push({ path, reason: odd, kind: 'odd' });
    else if (owner) ignored.push({ path, reason: "is a folder inside an owner's folder" });
  };
  for (const entry of entries) {
    const path = join(inbox, entry.name);
    if (isTemporaryName(entry.name)) continue;
    if (!entry.isDirectory()) {
      await look(entry, path, '');
      continue;
    }
    const owner = ownerFolder(entry.name);
    if (!owner.ok) {
      ignored.push({ path, reason: owner.reason });
      continue;
    }
    // One owner's folder that can't be listed stops that owner's files only.
    const inner = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      const reason = `is an owner's folder that cannot be listed (${error.code ?? error.message}); its files wait until it can`;
      ignored.push({ path, reason, kind: 'waiting' });
      return [];
    });
    for (const file of inner) {
      if (!isTemporaryName(file.name)) await look(file, join(path, file.name), owner.value);
    }
  }
  return found;
}

async function describe(
  path: string,
  name: string,
  owner: string,
  ignored: IgnoredEntry[],
): Promise<InboxFile | undefined> {
  try {
    const info = await lstat(path);
    return { path, name, owner, size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone since the listing (staff took it back): nothing to say.
    if (code !== 'ENOENT')
      ignored.push({ path, reason: `cannot be read (${code}); left in the inbox`, kind: 'waiting' });
    return undefined;
  }
}

/**
 * One line per entry left alone: an error for work that waits (a person must fix it), a warning for what is not
 * a file, a note for the rest. Returns whether any work waits, which makes the run exit 1.
 */
export function logIgnored(ignored: readonly IgnoredEntry[], logger: Logger): boolean {
  let waiting = false;
  for (const entry of ignored) {
    const line = { file: entry.path };
    if (entry.kind === 'waiting') {
      waiting = true;
      logger.error(line, `Left alone: ${entry.path} ${entry.reason}`);
    } else if (entry.kind === 'odd') logger.warn(line, `Left alone: ${entry.path} ${entry.reason}`);
    else logger.info(line, `Left alone: ${entry.reason}`);
  }
  return waiting;
}

/**
 * Fleet files in the inbox now, by fleet owner ('' for the installation's own), without the settle wait: what a
 * run left behind, for its last line and its metrics. An inbox that can't be listed counts as empty here; the
 * run itself says why it can't read it.
 */
export async function inboxFilesByOwner(inbox: string): Promise<Map<string, number>> {
  const byOwner = new Map<string, number>();
  const files = await listCandidates(inbox, []).catch(() => []);
  for (const file of files) byOwner.set(file.owner, (byOwner.get(file.owner) ?? 0) + 1);
  return byOwner;
}
