// The .xlsx package as a zip: the open file, its parts by name, which part is which (the workbook, its sheets,
// shared strings and styles, found through xl/_rels/workbook.xml.rels), and what must go when the file closes.
// Parts are read by random access (see zip.ts), so every sheet's name, order and visibility is known before any
// row is read, and only the chosen sheet is read.

import { type FileHandle, open as openFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { Readable } from 'node:stream';
import type { SheetPart } from './choose-sheet.ts';
import { SharedStringStore } from './shared-strings.ts';
import { FleetFileError } from './types.ts';
import type { ReaderInternals, Relationship } from './xlsx-exceljs.ts';
import { MAX_SMALL_PART } from './xlsx-limits.ts';
import { openZipEntry, readZipDirectory, readZipEntry, type ZipEntry } from './zip.ts';

const WORKSHEET_TYPE = /\/worksheet$/;
const SHARED_STRINGS_TYPE = /\/sharedStrings$/;
const STYLES_TYPE = /\/styles$/;
const DATE_1904 = /<(?:\w+:)?workbookPr\b[^>]*\sdate1904\s*=\s*["'](?:1|true)["']/;

/** What workbook.xml and its relationships say: the sheets in order, and the parts the sheets read from. */
export interface WorkbookLayout {
  readonly sheets: readonly SheetPart[];
  readonly sharedStrings: ZipEntry | undefined;
  readonly styles: ZipEntry | undefined;
  /** Whether dates count from 1904 (old Mac Excel) rather than 1900. */
  readonly date1904: boolean;
}

/** An open .xlsx: its zip directory, its parts, and what it holds until `close`. */
export class XlsxPackage {
  readonly path: string;
  /** The shared-strings table, held while the sheet is read. */
  readonly sharedStrings = new SharedStringStore();
  readonly #handle: FileHandle;
  #size = 0;
  #entries = new Map<string, ZipEntry>();
  #sheetStream: Readable | undefined;
  #closed = false;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Opens the file; nothing is read yet (see `readDirectory`). */
  static async open(path: string): Promise<XlsxPackage> {
    return new XlsxPackage(path, await openFile(path, 'r'));
  }

  /** Reads the zip's central directory; a file that is no zip fails here with a ZipFormatError. */
  async readDirectory(): Promise<void> {
    const { size } = await this.#handle.stat();
    this.#size = size;
    this.#entries = await readZipDirectory(this.#handle, size);
  }

  get closed(): boolean {
    return this.#closed;
  }

  entry(name: string): ZipEntry | undefined {
    return this.#entries.get(name);
  }

  /** A small part read whole (workbook.xml, relationships, styles). */
  async readWhole(entry: ZipEntry): Promise<Buffer> {
    return readZipEntry(this.#handle, this.#size, entry, MAX_SMALL_PART);
  }

  /** A part streamed as it unpacks. */
  async stream(entry: ZipEntry): Promise<Readable> {
    return openZipEntry(this.#handle, this.#size, entry);
  }

  /** The stream of the sheet being read, destroyed on `close`. */
  readingSheet(stream: Readable): void {
    this.#sheetStream = stream;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sheetStream?.destroy();
    // The rows are read: the table goes now, not when the last reference to this file does.
    this.sharedStrings.release();
    await this.#handle.close().catch(() => undefined);
  }

  /**
   * Parses workbook.xml and its relationships into `reader` and says which part is which. Refuses a zip that is
   * not a workbook, naming what it is when we can tell.
   */
  async readLayout(reader: ReaderInternals): Promise<WorkbookLayout> {
    const workbookEntry = this.entry('xl/workbook.xml');
    if (!workbookEntry) throw this.#notAWorkbook();
    const workbookXml = await this.readWhole(workbookEntry);
    await reader._parseWorkbook(Readable.from([workbookXml]));
    const relsEntry = this.entry('xl/_rels/workbook.xml.rels');
    if (!relsEntry) throw this.#notAWorkbook();
    await reader._parseRels(Readable.from([await this.readWhole(relsEntry)]));
    const rels = reader.workbookRels ?? [];

    const sheets: SheetPart[] = [];
    for (const sheet of reader.model?.sheets ?? []) {
      const rel = rels.find((r) => r.Id === sheet.rId);
      if (!rel || !WORKSHEET_TYPE.test(rel.Type) || rel.TargetMode === 'External') continue;
      sheets.push({
        name: sheet.name,
        hidden: sheet.state === 'hidden' || sheet.state === 'veryHidden',
        part: partPath(rel.Target),
      });
    }
    return {
      sheets,
      sharedStrings: this.#relPart(rels, SHARED_STRINGS_TYPE, 'xl/sharedStrings.xml'),
      styles: this.#relPart(rels, STYLES_TYPE, 'xl/styles.xml'),
      // exceljs takes only date1904="1"; XML's other spelling of true ("true") would put every date 4 years off.
      date1904: reader.properties?.model?.date1904 === true || DATE_1904.test(workbookXml.toString('utf8')),
    };
  }

  #relPart(rels: readonly Relationship[], type: RegExp, fallback: string): ZipEntry | undefined {
    const rel = rels.find((r) => type.test(r.Type));
    return this.entry(rel ? partPath(rel.Target) : fallback);
  }

  #notAWorkbook(): FleetFileError {
    const { path } = this;
    const name = basename(path);
    if (this.#entries.has('content.xml') && this.#entries.has('mimetype')) {
      return new FleetFileError(
        path,
        `"${name}" er et OpenDocument-regneark (LibreOffice) med feil filendelse. ` +
          'Åpne filen i LibreOffice og velg Fil > Lagre som > Excel 2007-365 (.xlsx).',
      );
    }
    if (this.#entries.has('xl/workbook.bin')) {
      return new FleetFileError(
        path,
        `"${name}" er en binær Excel-arbeidsbok (.xlsb) med feil filendelse. ` +
          'Åpne filen i Excel og velg Fil > Lagre som > Excel-arbeidsbok (.xlsx).',
      );
    }
    return new FleetFileError(
      path,
      `"${name}" er en zip-fil, men ikke en Excel-arbeidsbok. ` +
        'Åpne regnearket i Excel og velg Fil > Lagre som > Excel-arbeidsbok (.xlsx) eller CSV (semikolondelt).',
    );
  }
}

/** A relationship's target as a part name: relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/..."). */
export function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
}
