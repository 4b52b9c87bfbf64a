// A minimal random-access zip reader for .xlsx parts.
//
// Why not exceljs' own unzip (unzipper's streaming parser)? It reads the zip front to back, so when a sheet
// comes before xl/sharedStrings.xml (as Excel saves) it spills every sheet to TMPDIR and only deletes the
// copies if iteration runs to the end. Reading the central directory instead lets us open the parts in the
// order we need them (workbook, relationships, shared strings, styles, then only the chosen sheet), with no
// temp files, and a truncated download fails at open because its end-of-directory record is missing.

import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';

/** The file is not a zip we can read. The message is technical; callers turn it into words for staff. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

export interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;
// An xlsx has a few dozen parts; a directory this big is not a spreadsheet.
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of file');
    filled += bytesRead;
  }
  return buffer;
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`${what} out of range`);
  return Number(value);
}

/** Reads the central directory: every entry by name. */
export async function readZipDirectory(handle: FileHandle, fileSize: number): Promise<Map<string, ZipEntry>> {
  if (fileSize < EOCD_SIZE) throw new ZipFormatError('too small to be a zip');
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);

  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('end of central directory not found');

  let entryCount = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);

  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = tailStart + eocd - 20;
    if (locatorAt < 0) throw new ZipFormatError('zip64 locator missing');
    const locator = await readAt(handle, locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE)
      throw new ZipFormatError('zip64 locator missing');
    const recordAt = safeNumber(locator.readBigUInt64LE(8), 'zip64 record offset');
    if (recordAt + 56 > fileSize) throw new ZipFormatError('zip64 record outside file');
    const record = await readAt(handle, recordAt, 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError('zip64 record missing');
    entryCount = safeNumber(record.readBigUInt64LE(32), 'entry count');
    directorySize = safeNumber(record.readBigUInt64LE(40), 'directory size');
    directoryOffset = safeNumber(record.readBigUInt64LE(48), 'directory offset');
  }

  if (directorySize > MAX_DIRECTORY_BYTES) throw new ZipFormatError('central directory too large');
  if (directoryOffset + directorySize > fileSize) throw new ZipFormatError('central directory outside file');
  const directory = await readAt(handle, directoryOffset, directorySize);

  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < entryCount; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError('central directory entry damaged');
    }
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const crc = directory.readUInt32LE(at + 16);
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > directory.length) throw new ZipFormatError('central directory entry damaged');
    const name = directory.toString('utf8', nameStart, extraStart);
    // Which of two same-named parts a program reads is up to the program (Excel refuses the file): refused, so
    // that the rows sent are never other than the rows staff saw.
    if (entries.has(name)) throw new ZipFormatError(`${name} is in the archive twice`);

    // Zip64 extra field: only the fields that overflowed are present, in this order.
    let extraAt = extraStart;
    while (extraAt + 4 <= extraStart + extraLength) {
      const id = directory.readUInt16LE(extraAt);
      const size = directory.readUInt16LE(extraAt + 2);
      if (id === 0x0001) {
        let field = extraAt + 4;
        const end = field + size;
        const take = (): number => {
          if (field + 8 > end) throw new ZipFormatError('zip64 extra field damaged');
          const value = safeNumber(directory.readBigUInt64LE(field), 'zip64 size');
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      extraAt += 4 + size;
    }

    entries.set(name, { name, flags, method, crc, compressedSize, uncompressedSize, localHeaderOffset });
    at = next;
  }
  return entries;
}

/** Counts and checksums an entry's output so a damaged part fails loudly instead of parsing garbage. */
class EntryCheck extends Transform {
  readonly #entry: ZipEntry;
  #size = 0;
  #crc = 0;

  constructor(entry: ZipEntry) {
    super();
    this.#entry = entry;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#size > this.#entry.uncompressedSize) {
      callback(new ZipFormatError(`${this.#entry.name} is longer than the directory says`));
      return;
    }
    this.#crc = crc32(chunk, this.#crc);
    callback(null, chunk);
  }

  /** A deflate stream that is not one, or ends early, is a damaged entry like a bad checksum, not a zlib fault. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (error && !(error instanceof ZipFormatError) && code?.startsWith('Z_')) {
      callback(new ZipFormatError(`${this.#entry.name} is damaged (${error.message})`, { cause: error }));
      return;
    }
    callback(error);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#size !== this.#entry.uncompressedSize || this.#crc >>> 0 !== this.#entry.crc >>> 0) {
      callback(new ZipFormatError(`${this.#entry.name} is damaged (size or checksum)`));
      return;
    }
    callback();
  }
}

const RANGE_CHUNK = 64 * 1024;

/**
 * The bytes `start` to `start + length` of the file, by positional reads. Not `handle.createReadStream`:
 * destroying that closes the handle, whatever `autoClose` says, and a reader that stops early in one part
 * (a cover sheet looked at for its header only) must leave the file open for the next.
 */
function rangeStream(handle: FileHandle, start: number, length: number): Readable {
  let position = start;
  const end = start + length;
  return new Readable({
    highWaterMark: RANGE_CHUNK,
    read() {
      const want = Math.min(RANGE_CHUNK, end - position);
      if (want <= 0) {
        this.push(null);
        return;
      }
      handle.read(Buffer.allocUnsafe(want), 0, want, position).then(
        ({ bytesRead, buffer }) => {
          if (this.destroyed) return;
          if (bytesRead === 0) {
            this.destroy(new ZipFormatError('unexpected end of file'));
            return;
          }
          position += bytesRead;
          this.push(buffer.subarray(0, bytesRead));
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
  });
}

/**
 * A stream of the entry's uncompressed bytes. Destroying it stops the read; the handle stays open
 * (the caller owns it). Errors, including a bad checksum at the end, arrive as the stream's error.
 */
export async function openZipEntry(
  handle: FileHandle,
  fileSize: number,
  entry: ZipEntry,
): Promise<Transform> {
  if (entry.flags & 0x1) throw new ZipFormatError(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(`${entry.name} uses unsupported compression method ${entry.method}`);
  }
  if (entry.localHeaderOffset + 30 > fileSize) throw new ZipFormatError(`${entry.name} is outside the file`);
  const header = await readAt(handle, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipFormatError(`${entry.name} header damaged`);
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > fileSize) throw new ZipFormatError(`${entry.name} is cut off`);

  const check = new EntryCheck(entry);
  if (entry.compressedSize === 0) {
    check.end();
    return check;
  }
  const raw = rangeStream(handle, dataStart, entry.compressedSize);
  const onError = (): void => {
    // pipeline() forwards the error to `check`, whose reader sees it; nothing else to do here.
  };
  if (entry.method === 8) {
    pipeline(raw, createInflateRaw(), check, onError);
  } else {
    pipeline(raw, check, onError);
  }
  return check;
}

/** Reads a small entry whole (workbook.xml, relationships, styles), refusing anything implausibly big. */
export async function readZipEntry(
  handle: FileHandle,
  fileSize: number,
  entry: ZipEntry,
  maxBytes: number,
): Promise<Buffer> {
  if (entry.uncompressedSize > maxBytes) throw new ZipFormatError(`${entry.name} is too large`);
  const chunks: Buffer[] = [];
  for await (const chunk of await openZipEntry(handle, fileSize, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
