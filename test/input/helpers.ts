import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import type { FleetFile, OpenOptions, RawRow } from '../../src/input/types.ts';

/** A temp folder for the calling test file, made before and removed after its tests. */
export function useTempDir(): (name: string) => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leasingtaker-input-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return (name: string) => {
    if (!dir) throw new Error('useTempDir: the folder is made in beforeAll; call this inside a test');
    return join(dir, name);
  };
}

export interface ReadResult {
  readonly file: FleetFile;
  readonly headers: readonly string[];
  readonly headerRowNumber: number;
  readonly rows: RawRow[];
}

/** Opens, reads every row and closes. */
export async function readAll(path: string, options?: OpenOptions): Promise<ReadResult> {
  const file = await openFleetFile(path, options);
  const rows: RawRow[] = [];
  try {
    for await (const row of file.rows) rows.push(row);
  } finally {
    await file.close();
  }
  return { file, headers: file.headers, headerRowNumber: file.headerRowNumber, rows };
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

export async function writeBytes(path: string, content: string | Uint8Array): Promise<string> {
  await writeFile(path, content);
  return path;
}

/**
 * Writes a zip by hand, so tests can build .xlsx files the way other programs do (inline strings, unusual
 * part order, missing parts) without a zip library.
 */
export function zipBytes(parts: Readonly<Record<string, string | Uint8Array>>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(parts)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface HandSheet {
  readonly name: string;
  readonly state?: 'hidden' | 'veryHidden';
  /** The <sheetData> content. */
  readonly sheetData: string;
}

/** The parts of a minimal .xlsx with the given sheets and optional shared strings and styles. */
export function xlsxParts(
  sheets: readonly HandSheet[],
  extra: { sharedStrings?: readonly string[]; stylesXml?: string; workbookPr?: string } = {},
): Record<string, string> {
  const parts: Record<string, string> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="xml" ContentType="application/xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  };
  const rels: string[] = [];
  const entries: string[] = [];
  sheets.forEach((sheet, i) => {
    const n = i + 1;
    rels.push(`<Relationship Id="rId${n}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${n}.xml"/>`);
    const state = sheet.state ? ` state="${sheet.state}"` : '';
    entries.push(`<sheet name="${sheet.name}" sheetId="${n}"${state} r:id="rId${n}"/>`);
    parts[`xl/worksheets/sheet${n}.xml`] =
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${sheet.sheetData}</sheetData></worksheet>`;
  });
  if (extra.sharedStrings) {
    rels.push(`<Relationship Id="rIdS" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`);
    parts['xl/sharedStrings.xml'] =
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}" count="${extra.sharedStrings.length}" uniqueCount="${extra.sharedStrings.length}">` +
      extra.sharedStrings
        .map((s) => (s.startsWith('<') ? `<si>${s}</si>` : `<si><t>${s}</t></si>`))
        .join('') +
      '</sst>';
  }
  if (extra.stylesXml) {
    rels.push(`<Relationship Id="rIdY" Type="${REL_NS}/styles" Target="styles.xml"/>`);
    parts['xl/styles.xml'] = extra.stylesXml;
  }
  parts['xl/workbook.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${extra.workbookPr ?? ''}<sheets>${entries.join('')}</sheets></workbook>`;
  parts['xl/_rels/workbook.xml.rels'] =
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
  return parts;
}
