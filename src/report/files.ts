// File plumbing: report names, private files (they hold fødselsnummer), and the temp-then-rename dance that
// keeps a half-written report from ever appearing under its real name.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Owner read/write only: every report file holds personal data. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The mark of a retry file's name, and the one added when a later report set of the same file supersedes it. */
export const RETRY_MARK = 'igjen';
export const SUPERSEDED_MARK = 'erstattet';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DDTHH-mm-ss` in local time: staff read it next to their own clock, and `:` is illegal on Windows. */
export function localTimestamp(at: Date): string {
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
    `T${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`
  );
}

/** What `localTimestamp` writes, with the `-N` a reservation may add. */
const STAMP = String.raw`\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:-\d+)?`;
/**
 * The tail a retry file's name has beyond its input's: `.<time>.igjen`, before the extension, and whatever
 * came after it: `.erstattet` (superseded), ` - Kopi` or ` (1)` (a copy made by Windows or a browser),
 * `-rettet` (saved under a name of the clerk's). Dropped when the file comes back, so names don't nest.
 */
const RETRY_TAIL = new RegExp(`\\.${STAMP}\\.${RETRY_MARK}\\b.*$`);
const FLEET_EXTENSION = /\.(csv|txt|xlsx|xlsm|xls|ods)$/i;

/**
 * `<input name, extension included>.<run timestamp>`, built from the input's name and the clock only. The
 * extension stays: `t09.ods` (refused) and `t09.xlsx` in one run must not leave reports you can't tell apart.
 * A retry file that comes back (`t09.xlsx.<time>.igjen.csv`, re-saved in any format) is named for the input
 * it came from, `t09.xlsx.<new time>`: however many rounds, the names stay as short as the first round's.
 */
export function reportPrefix(fileName: string, runStartedAt: Date): string {
  // A leading dot would hide the report: drop it.
  const name = basename(fileName.replaceAll('\\', '/')).replace(/^\.+/, '') || 'fil';
  const stem = name.slice(0, name.length - extname(name).length);
  if (!RETRY_TAIL.test(stem)) return `${name}.${localTimestamp(runStartedAt)}`;
  // Names nested by earlier versions (`t14.<time>.igjen.<time>.igjen.csv`) are unwound all the way.
  let input = stem;
  while (RETRY_TAIL.test(input)) input = input.replace(RETRY_TAIL, '');
  input ||= 'fil';
  // A retry file named before the extension was kept (`t09.<time>.igjen.csv`) gets its own back.
  const base = FLEET_EXTENSION.test(input) ? input : `${input}${extname(name)}`;
  return `${base}.${localTimestamp(runStartedAt)}`;
}

/** Every name a report set may take, so a reservation can check none of them is taken. */
export function reportNames(prefix: string): {
  xlsx: string;
  summary: string;
  retryCsv: string;
  retryXlsx: string;
} {
  return {
    xlsx: `${prefix}.xlsx`,
    summary: `${prefix}.summary.json`,
    retryCsv: `${prefix}.${RETRY_MARK}.csv`,
    retryXlsx: `${prefix}.${RETRY_MARK}.xlsx`,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface Reservation {
  readonly prefix: string;
  release(): Promise<void>;
}

/** Makes the reports folder if it is missing and claims the report set's name for this input file and run. */
export async function reserveReportSet(
  reportsDir: string,
  fileName: string,
  runStartedAt: Date,
): Promise<Reservation> {
  await mkdir(reportsDir, { recursive: true, mode: DIR_MODE });
  return reservePrefix(reportsDir, reportPrefix(fileName, runStartedAt));
}

/**
 * Claims a prefix no other report set uses. All files of one run share the run's timestamp, so `fleet.csv`
 * and `fleet.xlsx` in the same run would otherwise write over each other's reports; the second gets
 * `<prefix>-2`. The claim is a lock file created exclusively, which also holds between processes.
 */
export async function reservePrefix(dir: string, prefix: string): Promise<Reservation> {
  for (let n = 1; n <= 1000; n++) {
    const candidate = n === 1 ? prefix : `${prefix}-${n}`;
    const lock = join(dir, `.${candidate}.lock`);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(lock, 'wx', FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await handle.close();
    const taken = await Promise.all(
      Object.values(reportNames(candidate)).map((name) => exists(join(dir, name))),
    );
    const release = () => rm(lock, { force: true });
    if (!taken.includes(true)) return { prefix: candidate, release };
    await release();
  }
  throw new Error(`Fant ikke et ledig navn for rapporten ${prefix} i ${dir}`);
}

/** A hidden name beside the final one: same directory, so the rename at the end is atomic. */
export function tempPathFor(dir: string, finalName: string): string {
  return join(dir, `.${finalName}.${randomUUID().slice(0, 8)}.tmp`);
}

/** A private file being written, with the write error (if any) caught before it can crash the process. */
export interface PrivateOutput {
  readonly stream: WriteStream;
  /** Rejects on a write error. Race long work against it: exceljs waits forever for a stream that failed. */
  readonly failed: Promise<never>;
  /**
   * Lets the disk catch up between batches of rows: throws a write error, waits for the file stream to
   * drain and for `behind` (a producer's own backlog check) to turn false, and yields to the event loop.
   */
  breathe(behind?: () => boolean): Promise<void>;
  /** Resolves once the file is closed, so it can be renamed (Windows refuses to rename an open file). */
  closed(): Promise<void>;
  /** Gives up on the file: closes it without waiting for whatever was still to be written. */
  abort(): void;
}

export async function openPrivateOutput(path: string): Promise<PrivateOutput> {
  // Opening the handle first makes EEXIST or EACCES an ordinary rejection here, not a stray stream event.
  const handle = await open(path, 'wx', FILE_MODE);
  const stream = handle.createWriteStream();
  let error: unknown;
  const failed = new Promise<never>((_, reject) => {
    stream.on('error', (e) => {
      error = e;
      reject(e);
    });
  });
  // Nobody may be racing it when the error comes; the error is still thrown by breathe() or the race.
  failed.catch(() => {});
  return {
    stream,
    failed,
    async breathe(behind = () => false) {
      if (error !== undefined) throw error;
      if (stream.writableNeedDrain) await Promise.race([once(stream, 'drain'), failed]);
      // Polling: the backlog sits in another library's stream, whose events are not ours to rely on.
      while (behind()) await Promise.race([sleep(5), failed]);
      await nextTurn();
    },
    async closed() {
      if (!stream.closed) await Promise.race([once(stream, 'close'), failed]);
      if (error !== undefined) throw error;
    },
    abort() {
      stream.destroy();
    },
  };
}

/** Moves finished temp files to their real names, in the given order (the summary last: it marks "done"). */
export async function publish(
  moves: readonly { readonly from: string; readonly to: string }[],
): Promise<void> {
  for (const { from, to } of moves) await rename(from, to);
}

export async function removeQuietly(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}
