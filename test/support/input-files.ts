import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { RawRow } from '../../src/domain/types.ts';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import type { FleetFile, OpenOptions } from '../../src/input/types.ts';
import { handZip } from './hand-zip.ts';

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
 * Writes a zip by hand (deflated entries, UTF-8 names), so tests can build .xlsx files the way other programs do
 * (inline strings, unusual part order, missing parts) without a zip library.
 */
export function zipBytes(parts: Readonly<Record<string, string | Uint8Array>>): Buffer {
  return handZip(Object.entries(parts).map(([name, data]) => ({ name, data })));
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
