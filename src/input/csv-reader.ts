// Streams a CSV fleet file: bytes -> text (encoding detected) -> csv-parse -> rows numbered as Excel shows them.
//
// Row numbers: every record csv-parse emits is one row in Excel (a quoted cell with line breaks is one row),
// so the n-th record is row n. Blank records are counted and skipped, which is why skip_empty_lines is off.
// An Excel `sep=;` line is removed before parsing (csv-preamble.ts), because Excel hides it and numbers the next
// line 1.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, type Parser, parse } from 'csv-parse';
import { completeLinesEnd } from './complete-lines.ts';
import { type Preamble, readPreamble } from './csv-preamble.ts';
import { findHeader, noHeaderMessage } from './header-search.ts';
import { rowsAfterHeader, tidyText } from './row-shape.ts';
import { type CsvEncoding, decodeText, MixedEncodingError } from './text-decoding.ts';
import { type FleetFile, FleetFileError, type HeaderCheck } from './types.ts';

/** Longest record we accept. A longer one is almost always an unclosed quote swallowing the rest of the file. */
export const MAX_RECORD_CHARS = 1_000_000;
/** More columns than any fleet file has; past this the delimiter is wrong or the file isn't a table. */
export const MAX_COLUMNS = 1_000;
/** How much text we look through for the header row before giving up. */
const MAX_PREAMBLE_CHARS = 4 * 1024 * 1024;

export type CsvDelimiter = ';' | ',' | '\t' | (string & {});

/** A CSV fleet file, with what was detected about it (useful for writing a result file the same way). */
export interface CsvFleetFile extends FleetFile {
  readonly format: 'csv';
  readonly delimiter: CsvDelimiter;
  /** 'ascii' until a non-ASCII byte has been read; final once `rows` has been read to the end. */
  readonly encoding: CsvEncoding;
}

export interface CsvOpenOptions {
  /**
   * Whether the file is known to be complete (default true). When false, only bytes up to the last line end
   * are read: a file still being written stops anywhere, and its last line is read once a later look finds the
   * file complete. `lastLineHeldBack` says whether anything was left unread. (A quoted cell still open at that
   * line end is the error it would be in a complete file; the run reads the file again once it changes.)
   */
  readonly complete?: boolean;
  /** Which row is the header (see `OpenOptions.header`); without it, the first non-blank row. */
  readonly header?: HeaderCheck;
}

function rowError(file: string, row: number, error: unknown): FleetFileError {
  const name = basename(file);
  if (error instanceof CsvError) {
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new FleetFileError(
          file,
          `Rad ${row} i "${name}": et anførselstegn (") er ikke lukket, så resten av filen ble lest som én celle. ` +
            'Rett opp anførselstegnet i cellen, eller lagre filen på nytt fra Excel.',
          { cause: error },
        );
      case 'CSV_MAX_RECORD_SIZE':
        return new FleetFileError(
          file,
          `Rad ${row} i "${name}" er lengre enn ${MAX_RECORD_CHARS.toLocaleString('nb-NO')} tegn. ` +
            'Ofte skyldes det et anførselstegn (") som ikke er lukket. Rett opp raden og prøv igjen.',
          { cause: error },
        );
      default:
        return new FleetFileError(
          file,
          `Rad ${row} i "${name}" kan ikke leses som CSV. Åpne filen i Excel og lagre den på nytt som CSV (semikolondelt).`,
          { cause: error },
        );
    }
  }
  if (error instanceof MixedEncodingError) {
    return new FleetFileError(
      file,
      `"${name}" blander tegnkodinger (noe er UTF-8, noe er ikke), så æ, ø og å kan ikke leses riktig. ` +
        'Åpne filen i Excel og lagre den på nytt som CSV (semikolondelt) eller CSV UTF-8.',
      { cause: error },
    );
  }
  if (error instanceof FleetFileError) return error;
  return new FleetFileError(file, `"${name}" kunne ikke leses (ved rad ${row}).`, { cause: error });
}

/** Bytes after the last line end that are only blanks (spaces, tabs, NULs, a DOS end-of-file mark) hold no row. */
async function blankTail(path: string, from: number, size: number): Promise<boolean> {
  if (size - from > 4096) return false;
  const handle = await open(path, 'r');
  try {
    const tail = Buffer.alloc(size - from);
    const { bytesRead } = await handle.read(tail, 0, tail.length, from);
    return tail
      .subarray(0, bytesRead)
      .every((byte) => byte === 0x20 || byte === 0x09 || byte === 0 || byte === 0x1a);
  } finally {
    await handle.close();
  }
}

export async function openCsvFleetFile(path: string, options: CsvOpenOptions = {}): Promise<CsvFleetFile> {
  const { header } = options;
  const name = basename(path);
  const complete = options.complete ?? true;
  let encoding: CsvEncoding = 'ascii';
  let heldBack = false;
  let end = Number.POSITIVE_INFINITY;
  if (!complete) {
    const { size } = await stat(path);
    end = await completeLinesEnd(path, size);
    heldBack = end < size && !(await blankTail(path, end, size));
  }
  // `end` is inclusive for a read stream; a file without a complete line yields nothing at all.
  const bytes =
    end === 0
      ? Readable.from([] as Buffer[])
      : createReadStream(path, {
          highWaterMark: 64 * 1024,
          ...(Number.isFinite(end) ? { end: end - 1 } : {}),
        });
  const text = decodeText(bytes, (detected) => {
    encoding = detected;
  });
  let parser: Parser | undefined;
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    parser?.destroy();
    bytes.destroy();
    await text.return(undefined).catch(() => undefined);
  };

  try {
    let buffered = '';
    let preamble: Preamble | undefined;
    while (!preamble) {
      const next = await text.next();
      if (!next.done) buffered += next.value;
      preamble = readPreamble(buffered, next.done === true);
      if (!preamble && buffered.length > MAX_PREAMBLE_CHARS) {
        throw new FleetFileError(
          path,
          `"${name}": fant ingen overskriftsrad i de første ${MAX_PREAMBLE_CHARS / 1024 / 1024} MB. Er dette en CSV-fil?`,
        );
      }
    }

    const delimiter = preamble.delimiter;
    const body = preamble.text;
    async function* source(): AsyncGenerator<string> {
      if (body) yield body;
      for (let next = await text.next(); !next.done; next = await text.next()) yield next.value;
    }
    const csv = parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      // Excel reads a quote inside an unquoted cell (Firkant "Ola") as text, and so do we.
      relax_quotes: true,
      max_record_size: MAX_RECORD_CHARS,
    });
    parser = csv;
    // Errors reach the `for await` below through the parser; this only keeps the promise from going unhandled.
    pipeline(Readable.from(source(), { objectMode: false }), csv).catch(() => undefined);

    let rowNumber = 0;
    const records = csv[Symbol.asyncIterator]() as AsyncIterator<string[]>;
    const nextRow = async (): Promise<{ rowNumber: number; cells: string[] } | undefined> => {
      for (;;) {
        // close() while a consumer is reading ends its loop quietly; stopping is not a broken file.
        if (closed) return undefined;
        let next: IteratorResult<string[]>;
        try {
          next = await records.next();
        } catch (error) {
          if (closed) return undefined;
          const broken =
            error instanceof CsvError && typeof error.records === 'number'
              ? error.records + 1
              : rowNumber + 1;
          throw rowError(path, broken, error);
        }
        if (next.done) return undefined;
        rowNumber++;
        const record = next.value;
        if (record.length > MAX_COLUMNS) {
          throw new FleetFileError(
            path,
            `Rad ${rowNumber} i "${name}" har ${record.length.toLocaleString('nb-NO')} kolonner; vi leser høyst ${MAX_COLUMNS}. ` +
              'Sjekk at filen er et regneark lagret som CSV (semikolondelt).',
          );
        }
        let blank = true;
        for (let i = 0; i < record.length; i++) {
          const cell = tidyText(record[i] as string);
          record[i] = cell;
          if (cell !== '') blank = false;
        }
        if (!blank) return { rowNumber, cells: record };
      }
    };

    const search = await findHeader(nextRow, header);
    if (!search.found) {
      throw new FleetFileError(
        path,
        search.looked.length === 0
          ? `"${name}": Filen er tom (ingen overskriftsrad, bare tomme linjer).`
          : `"${name}": ${noHeaderMessage(search.looked)}`,
      );
    }
    const { headers, headerRowNumber, rows } = rowsAfterHeader(search.header, nextRow, close);

    return {
      path,
      format: 'csv',
      headers,
      headerRowNumber,
      rowsAbove: search.above,
      delimiter,
      get encoding() {
        return encoding;
      },
      get lastLineHeldBack() {
        return heldBack;
      },
      rows,
      close,
    };
  } catch (error) {
    await close();
    throw rowError(path, 1, error);
  }
}
