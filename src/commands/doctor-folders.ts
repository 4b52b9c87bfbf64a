// `doctor`'s checks of the places a run writes: each folder, the temporary folder, the run lock, free space.

import { constants, existsSync } from 'node:fs';
import { access, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { acquireRunLock, RunLockedError } from '../job/run-lock.ts';
import { SurroundingsError } from '../storage/surroundings.ts';
import type { Check } from './doctor-check.ts';

/** Below this much free space where the ledger, reports or archive live, doctor fails. */
const MIN_FREE_BYTES = 100 * 1024 * 1024;

/**
 * A folder that exists must take a new file (a real write: a read-only mount or volume passes access checks
 * for root); one that does not exist yet must be creatable by the first run.
 */
export async function checkFolder(path: string): Promise<Check> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT') return { verdict: 'fail', text: `cannot be read (${info.code}).` };
    const parent = await nearestExisting(dirname(path));
    const writable = await access(parent, constants.W_OK).then(
      () => true,
      () => false,
    );
    return writable
      ? { verdict: 'pass', text: 'does not exist yet; the first run creates it.' }
      : {
          verdict: 'fail',
          text: `does not exist, and ${parent} does not let this user (uid ${process.getuid?.() ?? '?'}) create it.`,
        };
  }
  if (!info.isDirectory()) return { verdict: 'fail', text: 'is not a folder.' };
  const probe = join(path, `.leasingtaker-doctor-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
    return { verdict: 'pass', text: 'writable.' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return {
      verdict: 'fail',
      text: `is not writable (${code}): give this user (uid ${process.getuid?.() ?? '?'}) write access${code === 'EROFS' ? ', or mount it read-write' : ''}.`,
    };
  }
}

/**
 * Takes the run lock and lets it go at once, the one check that means the same whatever the lock is made of. A
 * run that starts in that instant finds it held and does nothing until its next turn.
 */
export async function checkLock(state: string): Promise<Check> {
  if (!existsSync(state)) return { verdict: 'pass', text: 'free (no state folder yet).' };
  try {
    const release = await acquireRunLock(state);
    await release();
    return { verdict: 'pass', text: 'free.' };
  } catch (error) {
    if (error instanceof RunLockedError) {
      return {
        verdict: 'note',
        text: `held: a run is working with ${state} now, and a run started meanwhile does nothing. Run doctor again when it has finished.`,
      };
    }
    // The folder's trouble says which folder and what to do; a bare code would not.
    if (error instanceof SurroundingsError) return { verdict: 'skip', text: `not checked: ${error.message}` };
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { verdict: 'skip', text: `not checked (${code}).` };
  }
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    if (
      await stat(current).then(
        () => true,
        () => false,
      )
    )
      return current;
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** One line per file system the folders live on. */
export async function diskSpace(folders: [string, string][]): Promise<Check[]> {
  const byDevice = new Map<number, { labels: string[]; free: number; path: string }>();
  for (const [label, path] of folders) {
    const where = await nearestExisting(path);
    const device = (await stat(where)).dev;
    const known = byDevice.get(device);
    if (known) {
      known.labels.push(label.toLowerCase());
      continue;
    }
    const fs = await statfs(where).catch(() => undefined);
    if (fs) byDevice.set(device, { labels: [label.toLowerCase()], free: fs.bavail * fs.bsize, path: where });
  }
  return [...byDevice.values()].map(({ labels, free, path }) => ({
    verdict: free < MIN_FREE_BYTES ? 'fail' : 'pass',
    text:
      free < MIN_FREE_BYTES
        ? `Disk: only ${formatBytes(free)} free for ${labels.join(', ')} (${path}); the ledger and reports need room. Free some, or give the volume more.`
        : `Disk: ${formatBytes(free)} free for ${labels.join(', ')}.`,
  }));
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}
