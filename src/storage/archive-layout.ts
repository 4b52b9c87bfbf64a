// Where a taken input lies in the archive, said once: `<archive>[/<owner>]/<UTC day>/<UTC time>Z[-n]-<name>`,
// and `<that>.part` while a copy from another volume is under way. The claim names files by it, retention reads
// a file's age from its day folder, the next run's upkeep finds half copies and archived twins by it, and the
// ledger's guard and the `ledger` commands tell archived inputs from the rest of the archive by it.

import { join } from 'node:path';

/** `2026-11-25T19-40-12`: ISO time to the second, `:` made `-` (not legal in file names everywhere). */
const STAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}`;
/** `<time>[Z][-n]-<name>`: names made before the archive's times were UTC carry no `Z`. */
const ARCHIVED = new RegExp(String.raw`^${STAMP}Z?(-\d+)?-.+$`);
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
/** What a copy into the archive is called until it is complete and flushed. */
const PART = '.part';

/** The day folder of an input taken at `at`: its UTC date, `2026-11-25`. */
export function dayFolderName(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The folder an owner's input taken at `at` goes to ('' for the installation's own, straight in the archive). */
export function archiveDayFolder(archive: string, owner: string, at: Date): string {
  return join(archive, owner, dayFolderName(at));
}

export function isDayFolder(name: string): boolean {
  return DAY_FOLDER.test(name);
}

/** The end of a day folder's day (UTC), in ms: no input in it was taken later. Undefined for another name. */
export function dayFolderEnd(name: string): number | undefined {
  if (!isDayFolder(name)) return undefined;
  const end = Date.parse(`${name}T23:59:59.999Z`);
  return Number.isFinite(end) ? end : undefined;
}

/**
 * `2026-11-25T19-40-12Z-mars.csv` for the first of its name taken in that second, `…Z-2-mars.csv` for the
 * second: UTC like its day folder (no hour repeats when clocks fall back), sortable.
 */
export function archiveName(at: Date, name: string, n = 1): string {
  const stamp = `${at.toISOString().slice(0, 19).replaceAll(':', '-')}Z`;
  return n === 1 ? `${stamp}-${name}` : `${stamp}-${n}-${name}`;
}

/** The name a copy to `target` has until it is complete. */
export function partPath(target: string): string {
  return `${target}${PART}`;
}

/** A copy into the archive a killed run left half done: `<time>[Z][-n]-<name>.part`. */
export function isHalfCopy(name: string): boolean {
  return ARCHIVED.test(name) && name.endsWith(PART);
}

/** Whether an entry of a day folder may be an input the job archived: not hidden, not a half copy. */
export function isArchivedInput(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith(PART);
}

/** Whether an entry of a day folder is the archived input of a file called `name` (or of one ending `-<name>`). */
export function isArchivedNameOf(entry: string, name: string): boolean {
  return ARCHIVED.test(entry) && !entry.endsWith(PART) && entry.endsWith(`-${name}`);
}
