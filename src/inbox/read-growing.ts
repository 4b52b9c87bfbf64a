// Reads a taken file that may still be growing. After the reader reaches the end, the file is looked at again:
// if its size or mtime changed while it was read, it is read again from the start and only rows after the last
// one given are passed on, until a read finds it unchanged. What the last read saw is recorded by the caller.

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { RawRow } from '../domain/types.ts';
import { openFleetFile } from '../input/open-fleet-file.ts';
import type { FleetFile, OpenOptions } from '../input/types.ts';
import type { FileLook } from '../ledger/ledger.ts';

/** Reads of one file in one run at most; a file still changing after these is read on by the next run. */
const MAX_READS = 20;

export interface GrowingRead {
  /** The first read's file: headers, format, delimiter. Its `rows` are not to be used; `rows` below are. */
  readonly file: Awaited<ReturnType<typeof openFleetFile>>;
  readonly rows: AsyncIterable<RawRow>;
  /** After `rows` is read to the end: what the last read saw. */
  look(): FileLook;
  /** What the last read saw if `rows` was read to the end, else undefined. */
  lookIfRead(): FileLook | undefined;
  /** Whether the file changed while it was read (then it was read again). */
  readonly grew: boolean;
  close(): Promise<void>;
}

export async function statQuietly(path: string): Promise<Stats | undefined> {
  return stat(path).catch(() => undefined);
}

/**
 * Opens `path` for reading while it may grow. `before` is its stat just before this call; `complete` whether
 * the first read may take a last line without a line end as a row (later reads never do: the file changed).
 */
export async function openGrowing(
  path: string,
  before: Stats,
  options: OpenOptions & { readonly complete: boolean },
): Promise<GrowingRead> {
  const first = await openFleetFile(path, options);
  let current: FleetFile = first;
  let seen: Stats = before;
  let look: FileLook | undefined;
  let grew = false;
  let closed = false;

  async function* rows(): AsyncGenerator<RawRow> {
    let last = 0;
    for (let reads = 1; ; reads++) {
      for await (const row of current.rows) {
        if (row.rowNumber <= last) continue;
        last = row.rowNumber;
        yield row;
      }
      const tailHeld = current.lastLineHeldBack === true;
      const after = await stat(path);
      const unchanged = after.size === seen.size && after.mtimeMs === seen.mtimeMs;
      if (unchanged || reads >= MAX_READS) {
        // Still changing after MAX_READS: recording the stat from before this read makes the next run read on.
        look = { size: seen.size, mtimeMs: seen.mtimeMs, tailHeld };
        return;
      }
      grew = true;
      await current.close();
      seen = after;
      current = await openFleetFile(path, { ...options, complete: false });
    }
  }

  return {
    file: first,
    rows: rows(),
    look: () => {
      if (!look) throw new Error('GrowingRead.look() before its rows were read to the end');
      return look;
    },
    lookIfRead: () => look,
    get grew() {
      return grew;
    },
    async close() {
      if (closed) return;
      closed = true;
      await current.close();
      if (current !== first) await first.close();
    },
  };
}
