import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  openZipEntry,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
  ZipFormatError,
} from '../../src/input/zip.ts';
import { handZip } from '../support/hand-zip.ts';
import { rejection, useTempDir } from '../support/input-files.ts';
import { resaveWithLibreOffice, SOFFICE } from '../support/libreoffice.ts';

// The xlsx reader's zip layer on its own (src/input/zip.ts): archives as real programs write them, and the
// damaged ones a download or a hand-edit leaves, each refused as a ZipFormatError that names what is wrong.

const file = useTempDir();
const ZIP = '/usr/bin/zip';
const UNZIP = '/usr/bin/unzip';
const HAS_ZIP = existsSync(ZIP) && existsSync(UNZIP);
/** On CI (`.ci/run` installs them) the comparisons with Info-ZIP must run; elsewhere they are skipped without it. */
const WITH_ZIP = HAS_ZIP || Boolean(process.env.CI);

interface Opened {
  readonly entries: Map<string, ZipEntry>;
  /** Every entry's bytes, read through openZipEntry. */
  contents(): Promise<Map<string, Buffer>>;
  read(name: string, maxBytes?: number): Promise<Buffer>;
  /** The entry as openZipEntry streams it. */
  stream(name: string): ReturnType<typeof openZipEntry>;
}

/** Opens the zip at `path` (or these bytes, written to a file) and reads its directory; the handle is closed after `use`. */
async function withZip<T>(zip: string | Buffer, use: (zip: Opened) => Promise<T>): Promise<T> {
  const path = typeof zip === 'string' ? zip : file(`hand-${++written}.zip`);
  if (typeof zip !== 'string') writeFileSync(path, zip);
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const entries = await readZipDirectory(handle, size);
    const entry = (name: string): ZipEntry => {
      const found = entries.get(name);
      if (!found) throw new Error(`no ${name} in the directory`);
      return found;
    };
    const read = (name: string, maxBytes = 1 << 30) => readZipEntry(handle, size, entry(name), maxBytes);
    return await use({
      entries,
      read,
      stream: (name) => openZipEntry(handle, size, entry(name)),
      async contents() {
        const out = new Map<string, Buffer>();
        for (const name of entries.keys()) out.set(name, await read(name));
        return out;
      },
    });
  } finally {
    await handle.close();
  }
}
let written = 0;

/** What Info-ZIP's unzip extracts from each file entry: the real tool's view, to compare ours with. */
function unzipContents(path: string): Map<string, Buffer> {
  const out = file(`unzipped-${++written}`);
  execFileSync(UNZIP, ['-qq', '-o', path, '-d', out]);
  const names = execFileSync(UNZIP, ['-Z1', path], { encoding: 'utf8' }).split('\n');
  return new Map(
    names.filter((name) => name && !name.endsWith('/')).map((name) => [name, readFileSync(join(out, name))]),
  );
}

/** Our reader's view of the same: every file entry's bytes. */
const fileEntries = (contents: Map<string, Buffer>) =>
  new Map([...contents].filter(([name]) => !name.endsWith('/')));

/** Our hand-made zips are only evidence if a real reader takes them too. */
function expectUnzipAccepts(zip: Buffer): void {
  if (!WITH_ZIP) return;
  const path = file(`checked-${++written}.zip`);
  writeFileSync(path, zip);
  execFileSync(UNZIP, ['-tqq', path]);
}

const text = (lines: number, word = 'kjennemerke'): string =>
  Array.from({ length: lines }, (_, i) => `${word} ${i}\n`).join('');

describe.skipIf(!WITH_ZIP)('archives written by Info-ZIP zip', () => {
  const sources = () => {
    const dir = file('zip-sources');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rader.txt'), text(2_000));
    writeFileSync(join(dir, 'tom.txt'), '');
    writeFileSync(join(dir, 'ø-navn.xml'), '<a>æøå</a>');
    return dir;
  };

  it.each([
    ['deflated', ['-q', '-r']],
    ['stored', ['-q', '-r', '-0']],
    ['with a comment after the end record', ['-q', '-r', '-z']],
  ])('reads every entry of a %s archive as unzip does', async (label, flags) => {
    const dir = sources();
    const path = file(`${label.replaceAll(' ', '-')}.zip`);
    // -z reads the comment from stdin, up to a line with a single dot.
    const input = flags.includes('-z') ? 'en kommentar\n.\n' : '';
    execFileSync(ZIP, [...flags, path, '.'], { cwd: dir, input });
    const expected = unzipContents(path);
    const method = await withZip(path, async (zip) => {
      expect(fileEntries(await zip.contents())).toEqual(expected);
      return zip.entries.get('rader.txt')?.method;
    });
    expect(method).toBe(label === 'stored' ? 0 : 8);
  });

  it('reads an archive streamed to a pipe: a zip64 local header and data descriptor', async () => {
    const path = file('streamed.zip');
    const data = text(5_000);
    // Written to a pipe, zip cannot seek back to the local header: sizes go in a descriptor after the data.
    writeFileSync(path, execFileSync(ZIP, ['-q', '-', '-'], { input: data }));
    await withZip(path, async (zip) => {
      const entry = zip.entries.get('-');
      expect((entry?.flags ?? 0) & 0x8).toBe(0x8);
      expect((await zip.read('-')).toString('utf8')).toBe(data);
    });
    // What makes this case: the local header says 0xffffffff for both sizes and points at a zip64 extra field,
    // and the descriptor after the data is the 24-byte zip64 one. Only the central directory has the sizes.
    const bytes = readFileSync(path);
    expect([bytes.readUInt32LE(18), bytes.readUInt32LE(22), bytes.readUInt16LE(31)]).toEqual([
      0xffffffff, 0xffffffff, 1,
    ]);
  });
});

describe('workbooks as spreadsheet programs save them', () => {
  const writers = {
    async 'exceljs Workbook (stored and deflated parts)'(path: string) {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Ark1');
      sheet.addRow(['Kjennemerke', 'Handling', 'Etternavn']);
      for (let i = 0; i < 500; i++) sheet.addRow([`CU${10000 + i}`, 'OPPRETTE', 'Østby']);
      await workbook.xlsx.writeFile(path);
    },
    async "exceljs WorkbookWriter (data descriptors), as the job's reports"(path: string) {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
      const sheet = workbook.addWorksheet('Ark1');
      sheet.addRow(['Kjennemerke', 'Handling', 'Etternavn']).commit();
      for (let i = 0; i < 500; i++) sheet.addRow([`CU${10000 + i}`, 'OPPRETTE', 'Østby']).commit();
      await workbook.commit();
    },
  };

  it.each(Object.keys(writers))('reads every part of an xlsx written by %s as unzip does', async (writer) => {
    const path = file(`${writer.split(' ')[1]}.xlsx`);
    await writers[writer as keyof typeof writers](path);
    const kinds = await withZip(path, async (zip) => {
      expect(zip.entries.has('xl/workbook.xml')).toBe(true);
      if (WITH_ZIP) expect(fileEntries(await zip.contents())).toEqual(unzipContents(path));
      return new Set(
        [...zip.entries.values()].map((entry) => `${entry.flags & 0x8 ? 'descriptor, ' : ''}${entry.method}`),
      );
    });
    expect(kinds).toEqual(writer.includes('descriptors') ? new Set(['descriptor, 8']) : new Set(['0', '8']));
  });

  it.skipIf(!SOFFICE && !process.env.CI)(
    'reads every part of an xlsx saved by LibreOffice as unzip does',
    async () => {
      const csv = file('lo.csv');
      writeFileSync(
        csv,
        `Kjennemerke;Handling;Etternavn\n${text(300, 'CU10001;OPPRETTE;Østby').trimEnd()}\n`,
      );
      const path = resaveWithLibreOffice(csv, 'xlsx', file('lo'));
      await withZip(path, async (zip) => {
        expect(zip.entries.has('xl/workbook.xml')).toBe(true);
        if (WITH_ZIP) expect(fileEntries(await zip.contents())).toEqual(unzipContents(path));
      });
    },
    120_000,
  );
});

describe('entries made by hand', () => {
  const parts = [
    { name: 'rader.xml', data: text(1_000) },
    { name: 'tom.xml', data: '' },
  ];

  it.each([
    ['deflated', {}],
    ['stored', { method: 0 }],
    ['with a data descriptor', { descriptor: true }],
    ['stored with a data descriptor', { method: 0, descriptor: true }],
    ['with zip64 sizes and offsets', { zip64: true }],
  ])('reads entries %s', async (_label, how) => {
    const zip = handZip(parts.map((part) => ({ ...part, ...how })));
    expectUnzipAccepts(zip);
    const contents = await withZip(zip, (opened) => opened.contents());
    expect(contents).toEqual(new Map(parts.map((part) => [part.name, Buffer.from(part.data)])));
  });

  it('finds the directory through zip64 end records when the plain one says 0xffff', async () => {
    const zip = handZip(
      parts.map((part) => ({ ...part, zip64: true })),
      { zip64End: true },
    );
    expectUnzipAccepts(zip);
    expect(await withZip(zip, async (opened) => [...opened.entries.keys()])).toEqual([
      'rader.xml',
      'tom.xml',
    ]);
  });

  it('reads an archive with no entries as an empty directory', async () => {
    expect((await withZip(handZip([]), async (opened) => opened.entries)).size).toBe(0);
  });

  it('keeps names as their bytes say: UTF-8 as UTF-8, other bytes replaced, and the next entry unharmed', async () => {
    const zip = handZip([
      { name: 'xl/worksheets/ark ø.xml', data: 'a' },
      // CP437 "ø" (0x9b) without the UTF-8 flag, a NUL and a path that climbs: a name is a key, never a path.
      { name: Uint8Array.from([...Buffer.from('ark'), 0x9b, 0x00, ...Buffer.from('/../x.xml')]), data: 'b' },
      { name: 'xl/workbook.xml', data: 'c' },
    ]);
    const contents = await withZip(zip, (opened) => opened.contents());
    expect([...contents.keys()]).toEqual([
      'xl/worksheets/ark ø.xml',
      'ark\uFFFD\u0000/../x.xml',
      'xl/workbook.xml',
    ]);
    expect(contents.get('xl/workbook.xml')?.toString()).toBe('c');
  });
});

describe('damaged archives are refused as ZipFormatError, saying what is wrong', () => {
  const good = handZip([
    { name: 'xl/workbook.xml', data: text(200) },
    { name: 'xl/styles.xml', data: text(50, 'stil') },
  ]);
  const directoryAt = good.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));

  /** The error of opening `zip` and reading every entry. */
  const refusal = (zip: Buffer) => rejection(withZip(zip, (opened) => opened.contents()));

  it.each([
    ['a file shorter than an end record', good.subarray(0, 21), /too small to be a zip/],
    ['a download cut off halfway', good.subarray(0, good.length >> 1), /end of central directory not found/],
    [
      'a download cut off by one byte',
      good.subarray(0, good.length - 1),
      /end of central directory not found/,
    ],
    [
      'a CSV named .xlsx',
      Buffer.from(`${'Kjennemerke;Handling\r\n'.repeat(10)}`),
      /end of central directory/,
    ],
    [
      'a download that lost its middle',
      Buffer.concat([good.subarray(0, 40), good.subarray(directoryAt)]),
      /central directory outside file/,
    ],
    [
      'a directory that claims more entries than it holds',
      handZip([{ name: 'a', data: 'a' }], { end: { entryCount: 2 } }),
      /central directory entry damaged/,
    ],
    [
      'a directory claimed larger than 64 MiB',
      handZip([], { end: { directorySize: 65 * 1024 * 1024 } }),
      /central directory too large/,
    ],
    [
      'zip64 sentinels without a zip64 locator',
      handZip([{ name: 'a', data: 'a' }], { end: { entryCount: 0xffff } }),
      /zip64 locator missing/,
    ],
    [
      'a zip64 extra field too short for the sizes it stands for',
      handZip([{ name: 'a', data: 'a', zip64: true, central: { zip64Extra: new Uint8Array(8) } }]),
      /zip64 extra field damaged/,
    ],
    [
      'a zip64 size beyond what a number holds exactly',
      handZip([{ name: 'a', data: 'a', zip64: true, central: { uncompressedSize: 2 ** 60 } }]),
      /zip64 size out of range/,
    ],
  ])('refuses %s', async (_label, zip, message) => {
    const error = await refusal(zip);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect(error.message).toMatch(message);
  });

  const data = text(300);
  it.each([
    ['a wrong checksum', { central: { crc: 0x12345678 } }, /a\.xml is damaged \(size or checksum\)/],
    [
      'a size smaller than what inflates',
      { central: { uncompressedSize: 10 } },
      /a\.xml is longer than the directory says/,
    ],
    [
      'a size larger than what inflates',
      { central: { uncompressedSize: data.length + 1 } },
      /a\.xml is damaged/,
    ],
    [
      'a flipped byte in stored data',
      { method: 0, stored: Buffer.from(data.replace('0', '1')) },
      /a\.xml is damaged/,
    ],
    [
      'compressed data longer than the file',
      { central: { compressedSize: 10_000_000 } },
      /a\.xml is cut off/,
    ],
    [
      'a local header offset past the end',
      { central: { localHeaderOffset: 10_000_000 } },
      /a\.xml is outside the file/,
    ],
    ['a local header offset into the data', { central: { localHeaderOffset: 5 } }, /a\.xml header damaged/],
    ['encryption', { flags: 0x1 }, /a\.xml is encrypted/],
    [
      'a compression method other than stored or deflate',
      { method: 12 },
      /a\.xml uses unsupported compression method 12/,
    ],
    [
      'deflate data that is not deflate',
      { stored: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]) },
      /a\.xml is damaged/,
    ],
    [
      'deflate data cut short',
      { stored: deflateRawSync(Buffer.from(data)).subarray(0, 20) },
      /a\.xml is damaged/,
    ],
  ])('refuses an entry with %s', async (_label, lie, message) => {
    const error = await refusal(handZip([{ name: 'a.xml', data, ...lie }]));
    expect(error).toBeInstanceOf(ZipFormatError);
    expect(error.message).toMatch(message);
  });

  it('refuses two entries with the same name: which one a program reads is up to the program', async () => {
    const zip = handZip([
      { name: 'xl/worksheets/sheet1.xml', data: '<what staff saw/>' },
      { name: 'xl/worksheets/sheet1.xml', data: '<what would be sent/>' },
    ]);
    const error = await rejection(withZip(zip, async () => undefined));
    expect(error).toBeInstanceOf(ZipFormatError);
    expect(error.message).toMatch(/xl\/worksheets\/sheet1\.xml is in the archive twice/);
  });
});

describe('an entry too large to read whole', () => {
  it('is refused by its size in the directory before a byte is inflated', async () => {
    const zip = handZip([{ name: 'xl/styles.xml', data: text(1_000) }]);
    const error = await rejection(withZip(zip, (opened) => opened.read('xl/styles.xml', 1_000)));
    expect(error).toBeInstanceOf(ZipFormatError);
    expect(error.message).toMatch(/xl\/styles\.xml is too large/);
  });

  it('stops a bomb that claims to be small as soon as it inflates past its claim', async () => {
    // 64 MiB of zeros deflate to ~64 KiB; the directory says 1 KiB.
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const zip = handZip([
      {
        name: 'xl/sharedStrings.xml',
        data: 'x',
        stored: deflateRawSync(zeros),
        central: { uncompressedSize: 1024 },
      },
    ]);
    await withZip(zip, async (opened) => {
      const stream = await opened.stream('xl/sharedStrings.xml');
      let seen = 0;
      const error = await rejection(
        (async () => {
          for await (const chunk of stream) seen += (chunk as Buffer).length;
        })(),
      );
      expect(error).toBeInstanceOf(ZipFormatError);
      expect(error.message).toMatch(/longer than the directory says/);
      expect(seen).toBeLessThanOrEqual(1024);
    });
  });
});
