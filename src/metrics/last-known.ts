import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The figures a run cannot always work out for itself, kept in the state folder between runs:
 * - the end of the last successful run, which every later push must carry again (a Pushgateway group is
 *   replaced whole by each push, and a textfile is rewritten whole), or the "no success for 26 hours" alert
 *   would lose its series the first time a run fails;
 * - the rows waiting per fleet owner, for a run that stops before it reads the ledger (a bad key): it
 *   publishes the last known figure rather than none.
 * A small JSON file of our own rather than a ledger table: it is written after the run, outside the ledger's
 * transactions, and a run that can't read it loses only these two figures.
 */
export interface LastKnown {
  /** ms since the epoch. */
  readonly lastSuccessAt?: number;
  /** Rows waiting by owner label, as of the end of the last run that read the ledger. */
  readonly rowsWaiting?: Readonly<Record<string, number>>;
}

const FILE = 'metrics-last-known.json';

export async function readLastKnown(stateDir: string): Promise<LastKnown> {
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { lastSuccessAt, rowsWaiting } = parsed as Record<string, unknown>;
    const waiting =
      typeof rowsWaiting === 'object' && rowsWaiting !== null
        ? Object.fromEntries(
            Object.entries(rowsWaiting).filter((entry): entry is [string, number] =>
              Number.isFinite(entry[1]),
            ),
          )
        : undefined;
    return {
      ...(Number.isFinite(lastSuccessAt) ? { lastSuccessAt: lastSuccessAt as number } : {}),
      ...(waiting ? { rowsWaiting: waiting } : {}),
    };
  } catch {
    // Missing (the first run) or unreadable: nothing known. Never a reason to fail the run.
    return {};
  }
}

/** Written under a temporary name and renamed, so a reader never sees half of it. */
export async function writeLastKnown(stateDir: string, known: LastKnown): Promise<void> {
  const path = join(stateDir, FILE);
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(known)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
