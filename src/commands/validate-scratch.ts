// `validate` checks duplicates through a throwaway ledger on disk, which holds the file's rows (fødselsnummer
// and names) while it works. A validate killed mid-way leaves it behind in the temp folder; the folder's name
// carries the process id, so the next validate (or run) can tell one whose process is gone and remove it.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'leasingtaker-validate-';
const SCRATCH = /^leasingtaker-validate-(\d+)-[A-Za-z0-9]{6}$/;

/** A private folder (0700) for one validate's ledger, named by this process. */
export function makeScratch(dir = tmpdir()): string {
  return mkdtempSync(join(dir, `${PREFIX}${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, somebody else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes scratch folders of validates that are no longer running; returns how many. */
export function removeDeadScratch(dir = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = SCRATCH.exec(name);
    if (!match || alive(Number(match[1]))) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed += 1;
    } catch {
      // Not ours to remove after all (another user's temp folder): left alone.
    }
  }
  return removed;
}
