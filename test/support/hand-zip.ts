// Zips written byte by byte, so tests can make what zip programs rarely do on request: a data descriptor, zip64
// records below 4 GB, names in raw bytes, a size or checksum that lies. APPNOTE.TXT (PKWARE's zip
// specification) sections 4.3.7 (local header), 4.3.9 (data descriptor), 4.3.12 (central directory), 4.3.14-16
// (zip64 end records) and 4.5.3 (zip64 extra field) are the layout followed here.

import { crc32, deflateRawSync } from 'node:zlib';

export interface HandEntry {
  /** A string is written as UTF-8 with the UTF-8 flag (bit 11); bytes are written as given, without it. */
  readonly name: string | Uint8Array;
  readonly data: string | Uint8Array;
  /** 8 deflate (the default), 0 stored, anything else as a number the reader does not know. */
  readonly method?: number;
  /** Extra general-purpose flags (bit 0: encrypted). */
  readonly flags?: number;
  /** CRC and sizes after the data (bit 3), zero in the local header, as streaming writers do. */
  readonly descriptor?: boolean;
  /** Sizes and offset 0xffffffff in the central directory, the real ones in a zip64 extra field. */
  readonly zip64?: boolean;
  /** The bytes stored for the entry, instead of `data` compressed by `method`. */
  readonly stored?: Uint8Array;
  /** Lies the central directory tells about the entry. */
  readonly central?: {
    readonly crc?: number;
    readonly compressedSize?: number;
    readonly uncompressedSize?: number;
    readonly localHeaderOffset?: number;
    /** Replaces the zip64 extra field's content. */
    readonly zip64Extra?: Uint8Array;
  };
}

export interface HandZipOptions {
  /** Entry count, directory size and offset 0xffff/0xffffffff in the end record, the real ones in zip64 records. */
  readonly zip64End?: boolean;
  /** Written after the end record (its length in the record). */
  readonly comment?: string;
  /** Lies the end record (or the zip64 end record) tells. */
  readonly end?: {
    readonly entryCount?: number;
    readonly directorySize?: number;
    readonly directoryOffset?: number;
  };
}

const MAX32 = 0xffffffff;

/** The zip file's bytes. */
export function handZip(entries: readonly HandEntry[], options: HandZipOptions = {}): Buffer {
  const body: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data);
    const method = entry.method ?? 8;
    const stored = entry.stored
      ? Buffer.from(entry.stored)
      : method === 8
        ? deflateRawSync(data)
        : Buffer.from(data);
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : Buffer.from(entry.name);
    const flags =
      (typeof entry.name === 'string' ? 0x800 : 0) | (entry.descriptor ? 0x8 : 0) | (entry.flags ?? 0);
    const crc = crc32(data);
    const version = entry.zip64 ? 45 : 20;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(version, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    if (!entry.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(stored.length, 18);
      local.writeUInt32LE(data.length, 22);
    }
    local.writeUInt16LE(name.length, 26);
    body.push(local, name, stored);
    if (entry.descriptor) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(stored.length, 8);
      descriptor.writeUInt32LE(data.length, 12);
      body.push(descriptor);
    }

    const lies = entry.central ?? {};
    let extra = Buffer.alloc(0);
    if (entry.zip64) {
      const fields = Buffer.alloc(24);
      fields.writeBigUInt64LE(BigInt(lies.uncompressedSize ?? data.length), 0);
      fields.writeBigUInt64LE(BigInt(lies.compressedSize ?? stored.length), 8);
      fields.writeBigUInt64LE(BigInt(lies.localHeaderOffset ?? offset), 16);
      const content = lies.zip64Extra ? Buffer.from(lies.zip64Extra) : fields;
      extra = Buffer.alloc(4 + content.length);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(content.length, 2);
      content.copy(extra, 4);
    }
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(version, 4);
    record.writeUInt16LE(version, 6);
    record.writeUInt16LE(flags, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt32LE((lies.crc ?? crc) >>> 0, 16);
    record.writeUInt32LE(entry.zip64 ? MAX32 : (lies.compressedSize ?? stored.length), 20);
    record.writeUInt32LE(entry.zip64 ? MAX32 : (lies.uncompressedSize ?? data.length), 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt16LE(extra.length, 30);
    record.writeUInt32LE(entry.zip64 ? MAX32 : (lies.localHeaderOffset ?? offset), 42);
    central.push(record, name, extra);
    offset += local.length + name.length + stored.length + (entry.descriptor ? 16 : 0);
  }

  const directory = Buffer.concat(central);
  const lies = options.end ?? {};
  const count = lies.entryCount ?? entries.length;
  const size = lies.directorySize ?? directory.length;
  const at = lies.directoryOffset ?? offset;
  const tail: Buffer[] = [];
  if (options.zip64End) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(size), 40);
    record.writeBigUInt64LE(BigInt(at), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64End ? 0xffff : count, 8);
  end.writeUInt16LE(options.zip64End ? 0xffff : count, 10);
  end.writeUInt32LE(options.zip64End ? MAX32 : size, 12);
  end.writeUInt32LE(options.zip64End ? MAX32 : at, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...body, directory, ...tail, end, comment]);
}
