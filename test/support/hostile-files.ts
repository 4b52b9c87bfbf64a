// Files that are not what a fleet file should be, made the way they turn up: an empty export, a header with
// nothing under it, random bytes, a download cut short, a zip bomb, a broken CSV, an old .xls.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { xlsxParts, zipBytes } from './input-files.ts';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const HEADER_CELLS =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>Kjennemerke</t></is></c><c r="B1" t="inlineStr"><is><t>Handling</t></is></c>' +
  '<c r="C1" t="inlineStr"><is><t>Fødselsnummer</t></is></c><c r="D1" t="inlineStr"><is><t>Etternavn</t></is></c></row>';

interface ZipPart {
  readonly name: string;
  /** Raw deflate data. */
  readonly compressed: Buffer;
  readonly crc: number;
  readonly size: number;
}

function deflatedPart(name: string, content: string | Buffer): ZipPart {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, compressed: deflateRawSync(data), crc: crc32(data), size: data.length };
}

/**
 * A part of `prefix`, then `fill` repeated `times`, then `suffix`, deflated without ever holding the whole: each
 * piece is compressed on its own with a full flush (no shared history, byte-aligned), so the compressed fill can
 * simply be repeated. A gigabyte of one letter becomes about a megabyte.
 */
function repeatedPart(name: string, prefix: string, fill: Buffer, times: number, suffix: string): ZipPart {
  const flushed = (data: Buffer) => deflateRawSync(data, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const head = Buffer.from(prefix, 'utf8');
  const tail = Buffer.from(suffix, 'utf8');
  const block = flushed(fill);
  let crc = crc32(head);
  for (let i = 0; i < times; i++) crc = crc32(fill, crc);
  crc = crc32(tail, crc);
  return {
    name,
    compressed: Buffer.concat([flushed(head), ...Array<Buffer>(times).fill(block), deflateRawSync(tail)]),
    crc,
    size: head.length + fill.length * times + tail.length,
  };
}

function zipOf(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const header = (size: number, signature: number) => {
      const buffer = Buffer.alloc(size);
      buffer.writeUInt32LE(signature, 0);
      return buffer;
    };
    const local = header(30, 0x04034b50);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.compressed.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, part.compressed);
    const central = header(46, 0x02014b50);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(part.crc >>> 0, 16);
    central.writeUInt32LE(part.compressed.length, 20);
    central.writeUInt32LE(part.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + part.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A workbook whose sheet has the fleet header and then one cell holding `megabytes` MB of the letter A: a few
 * hundred kilobytes on disk. Honest: the zip's directory declares the true size and checksum.
 */
export function zipBomb(megabytes: number): Buffer {
  const skeleton = xlsxParts([{ name: 'Ark1', sheetData: '' }]);
  const parts = Object.entries(skeleton)
    .filter(([name]) => name !== 'xl/worksheets/sheet1.xml')
    .map(([name, content]) => deflatedPart(name, content));
  const sheet = repeatedPart(
    'xl/worksheets/sheet1.xml',
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN_NS}"><sheetData>${HEADER_CELLS}` +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>',
    Buffer.alloc(1024 * 1024, 'A'),
    megabytes,
    '</t></is></c></row></sheetData></worksheet>',
  );
  return zipOf([...parts, sheet]);
}

/** A workbook with `count` distinct shared strings: more texts than the reader keeps in memory. */
export function manySharedStrings(count: number): Buffer {
  const strings = ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn'];
  for (let i = 0; i < count; i++) strings.push(`T${i}`);
  const header =
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>';
  return zipBytes(xlsxParts([{ name: 'Ark1', sheetData: header }], { sharedStrings: strings }));
}

async function goodWorkbook(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Flåte');
  sheet.addRow(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
  for (let i = 0; i < rows; i++) sheet.addRow([`CU${20000 + i}`, 'OPPRETTE', '63888700414', 'Firkant']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export interface HostileFile {
  readonly name: string;
  /** What the summary's `error` must say, in staff's words. */
  readonly says: RegExp;
}

/** Writes every hostile file into `dir`; returns their names and what their summaries must say. */
export async function writeHostileFiles(
  dir: string,
  options: { bombMegabytes: number; manyTexts?: boolean },
): Promise<HostileFile[]> {
  const files: [string, string | Buffer, RegExp][] = [
    ['tom.csv', '', /tom/],
    ['bare-overskrift.csv', 'Kjennemerke;Handling;Fødselsnummer;Etternavn\r\n', /bare overskriftsraden/],
    [
      'tilfeldig.xlsx',
      // Random bytes, with a zero byte early so nothing takes them for text.
      Buffer.concat([Buffer.from([0x13, 0x00]), randomBytes(64 * 1024)]),
      /ikke en gyldig Excel-fil/,
    ],
    ['avkuttet.xlsx', (await goodWorkbook(500)).subarray(0, 6000), /skadet eller ufullstendig/],
    ['zipbombe.xlsx', zipBomb(options.bombMegabytes), /for stor til å leses/],
    ['zipbombe-celle.xlsx', zipBomb(48), /for stor til å leses/],
    [
      'ulukket-sitat.csv',
      'Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU30001;OPPRETTE;"63888700414;Firkant\r\n' +
        'CU30002;OPPRETTE;63888700414;Firkant\r\n'.repeat(200),
      /anførselstegn/,
    ],
    [
      'mange-kolonner.csv',
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU30003;OPPRETTE;63888700414;Firkant${';x'.repeat(100_000)}\r\n`,
      /kolonner/,
    ],
    [
      'stor-celle.csv',
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU30004;OPPRETTE;63888700414;${'F'.repeat(5 * 1024 * 1024)}\r\n`,
      /lengre enn/,
    ],
    [
      'gammel.xls',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(4096)]),
      /gamle Excel-formatet/,
    ],
  ];
  if (options.manyTexts) {
    // A million texts take a few seconds to count: the soak's.
    files.push(['mange-tekster.xlsx', manySharedStrings(1_050_000), /over 1\s000\s000 ulike tekster/]);
  }
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return files.map(([name, , says]) => ({ name, says }));
}
