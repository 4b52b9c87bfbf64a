// Where the complete lines of a text file end. A file still being written (a copy over a slow share) may stop in
// the middle of a line; read as it stands, its last row would be sent cut short (`CU41752` as `CU4175`, another
// vehicle's plate). Only bytes up to the last line end are read until the file is known to be complete.

import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;
/**
 * How far back a line end is looked for. A longer last line is no row in progress (the reader refuses records
 * over 1,000,000 characters anyway): the file is then read as it is, and the reader says what is wrong with it.
 */
const MAX_SCAN = 8 * 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The offset just past the last line end (LF or CR) of the file's first `size` bytes, 0 when it has none. In
 * UTF-8 and Windows-1252 these bytes are never part of another character; in UTF-16 (a BOM says so) a line end is
 * two bytes, `0A 00` (LE) or `00 0A` (BE), at a character boundary.
 */
export async function completeLinesEnd(path: string, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    const utf16 =
      head[0] === 0xff && head[1] === 0xfe ? 'le' : head[0] === 0xfe && head[1] === 0xff ? 'be' : null;
    const buffer = Buffer.alloc(CHUNK);
    for (let end = size; end > 0; ) {
      if (size - end >= MAX_SCAN) return size;
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      for (let i = bytesRead - 1; i >= 0; i--) {
        const at = start + i;
        const byte = buffer[i];
        if (byte !== LF && byte !== CR) continue;
        if (utf16 === null) return at + 1;
        // A code unit starts at an even offset (the BOM takes 0-1): LE has the line end's byte first, BE second,
        // and the other byte of the unit is 0.
        const unit = utf16 === 'le' ? at : at - 1;
        if (unit % 2 !== 0 || unit + 2 > size) continue;
        const pair = Buffer.alloc(2);
        await handle.read(pair, 0, 2, unit);
        if (pair[utf16 === 'le' ? 1 : 0] === 0) return unit + 2;
      }
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
