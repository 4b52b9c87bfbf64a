// A retry file a later report set of the same input has replaced: an interrupted run's retry file says "Ikke
// sendt ennå" about rows the next run then sent. Left as it was, it would lie beside the new one looking just
// as current. It is renamed, not deleted: a clerk may already have typed corrections into it.

import { rename, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SUPERSEDED_MARK } from './files.ts';

/** `t14.csv.<time>.igjen.csv` → `t14.csv.<time>.igjen.erstattet.csv`. */
export function supersededName(retryPath: string): string {
  const name = basename(retryPath);
  const ext = extname(name);
  return join(dirname(retryPath), `${name.slice(0, name.length - ext.length)}.${SUPERSEDED_MARK}${ext}`);
}

/**
 * Renames the previous retry file of an input once a newer report set is out. Returns the new name, or null
 * when there was nothing to do: no previous one, the same file, or it is gone (dropped into the inbox, or
 * removed by retention). Never overwrites: a name already taken leaves the file as it is.
 */
export async function supersedeRetryFile(
  previous: string | null,
  current: string | null,
): Promise<string | null> {
  if (previous === null || previous === current) return null;
  const target = supersededName(previous);
  try {
    await stat(target);
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(previous, target);
    return target;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
