import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseOrganisasjonsnummer } from '../domain/organisasjonsnummer.ts';

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
    const again = await stat(candidate.path).catch(() => undefined);
    if (!again) continue;
    if (again.size !== candidate.size || again.mtimeMs !== candidate.mtimeMs) {
      ignored.push({ path: candidate.path, reason: 'is still being written; left for the next run' });
      continue;
    }
    ready.push(candidate);
  }
  ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  return { ready, ignored };
}

async function listCandidates(inbox: string, ignored: IgnoredEntry[]): Promise<InboxFile[]> {
  const found: InboxFile[] = [];
  const entries = await readdir(inbox, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    const path = join(inbox, entry.name);
    if (isTemporaryName(entry.name)) continue;
    if (entry.isDirectory()) {
      if (!parseOrganisasjonsnummer(entry.name).ok || entry.name.length !== 9) {
        ignored.push({ path, reason: 'is a folder whose name is not an organisasjonsnummer' });
        continue;
      }
      const inner = await readdir(path, { withFileTypes: true });
      for (const file of inner) {
        if (!file.isFile() || isTemporaryName(file.name)) continue;
        found.push(await describe(join(path, file.name), file.name, entry.name));
      }
    } else if (entry.isFile()) {
      found.push(await describe(path, entry.name, ''));
    }
  }
  return found;
}

async function describe(path: string, name: string, owner: string): Promise<InboxFile> {
  const info = await stat(path);
  return { path, name, owner, size: info.size, mtimeMs: info.mtimeMs };
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
