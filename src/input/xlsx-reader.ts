// Streams one worksheet of an .xlsx fleet file.
//
// exceljs' streaming WorkbookReader does the XML work (workbook, relationships, shared strings, styles and
// the sheet's rows); we hand it the zip parts ourselves, read by random access (see zip.ts), instead of
// letting it walk the zip front to back. That way we know every sheet's name, order and visibility before
// reading any rows, read only the chosen sheet, and never spill sheets to TMPDIR. The internals we call are
// listed in `ReaderInternals`; they are checked against exceljs 4.4 by the tests in test/input.

import { type FileHandle, open as openFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from './cell-text.ts';
import { chooseSheet, type SheetRows } from './choose-sheet.ts';
import { type FoundRow, rowsAfterHeader } from './row-shape.ts';
import { SharedStringStore } from './shared-strings.ts';
import { SheetMarkup } from './sheet-markup.ts';
import { type FleetFile, FleetFileError, type OpenOptions } from './types.ts';
import { XmlGuard, type XmlLimits } from './xml-guard.ts';
import { openZipEntry, readZipDirectory, readZipEntry, type ZipEntry, ZipFormatError } from './zip.ts';

interface ExcelCell {
  readonly type: number;
  readonly value: unknown;
  /** A formula's cached result; read directly because `value` drops a falsy result (0, '', NaN). */
  readonly result?: unknown;
  readonly numFmt?: string;
}

interface ExcelRow {
  readonly number: number;
  eachCell(options: { includeEmpty: boolean }, callback: (cell: ExcelCell, column: number) => void): void;
}

interface SheetEntry {
  readonly name: string;
  readonly state?: string;
  readonly rId: string;
}

interface Relationship {
  readonly Id: string;
  readonly Type: string;
  readonly Target: string;
  readonly TargetMode?: string;
}

/** The parts of exceljs' WorkbookReader we drive ourselves (exceljs 4.4, lib/stream/xlsx/workbook-reader.js). */
interface ReaderInternals {
  model?: { sheets?: SheetEntry[] };
  properties?: { model?: { date1904?: boolean } };
  workbookRels?: Relationship[];
  sharedStrings?: unknown[];
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseRels(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<{ index: number; text: unknown }>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<unknown>,
    sheetNo: string,
  ): Iterable<{ eventType: string; value: AsyncIterable<ExcelRow> }>;
}

/** Limit for the small parts we read whole (workbook.xml, relationships, styles). */
const MAX_SMALL_PART = 32 * 1024 * 1024;
// Bounds that keep a workbook made to hurt (a "zip bomb": kilobytes that unpack into gigabytes) from taking the
// process's memory, far above what a fleet file needs: 200,000 rows from Excel are a 53 MB sheet and 9 MB of
// shared strings (360,000 texts).
/** Unpacked size of the sheet read; it is streamed, so this bounds time rather than memory. */
export const MAX_SHEET_BYTES = 512 * 1024 * 1024;
/** Unpacked size and entries of the shared-strings table, which is held in memory while the sheet is read. */
export const MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024;
export const MAX_SHARED_STRINGS = 1_000_000;
/** Longest text or tag (Excel: 32,767 characters a cell, up to 5 bytes each once escaped), row and shared string. */
const MAX_XML_GAP = 256 * 1024;
const MAX_ROW_BYTES = 4 * 1024 * 1024;
const MAX_SHARED_STRING_BYTES = 1024 * 1024;
const WORKSHEET_TYPE = /\/worksheet$/;
const SHARED_STRINGS_TYPE = /\/sharedStrings$/;
const STYLES_TYPE = /\/styles$/;
const DATE_1904 = /<(?:\w+:)?workbookPr\b[^>]*\sdate1904\s*=\s*["'](?:1|true)["']/;

export interface XlsxSheetInfo {
  readonly name: string;
  readonly hidden: boolean;
}

/** An .xlsx fleet file, with the sheet that was read and the ones that weren't. */
export interface XlsxFleetFile extends FleetFile {
  readonly format: 'xlsx';
  readonly sheet: string;
  readonly sheets: readonly XlsxSheetInfo[];
  /** Visible sheets before `sheet` that were passed over: none of their first rows is a header row. */
  readonly passedOver: readonly string[];
  /** Visible sheets after `sheet` with a header row too; not read. */
  readonly alsoWithColumns: readonly string[];
}

function damaged(path: string, cause: unknown): FleetFileError {
  return new FleetFileError(
    path,
    `"${basename(path)}" er skadet eller ufullstendig (kanskje ble den ikke ferdig lastet ned eller kopiert). ` +
      'Hent filen på nytt, eller åpne den i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx).',
    { cause },
  );
}

function tooLarge(path: string, what: string): FleetFileError {
  return new FleetFileError(
    path,
    `"${basename(path)}" er for stor til å leses: ${what}. En vanlig flåtefil er langt mindre, så filen kan være ` +
      'feil eller skadet. Sjekk at det er riktig fil; er den det, del den i flere filer eller lagre den som CSV (semikolondelt).',
  );
}

const megabytes = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.round(bytes / 1024).toLocaleString('nb-NO')} kB`
    : `${Math.round(bytes / 1024 / 1024).toLocaleString('nb-NO')} MB`;

/** The part's bytes through the guard; a crossed bound fails the stream with a FleetFileError in staff's words. */
function guarded(
  path: string,
  source: Readable,
  limits: XmlLimits,
  extra?: () => string | undefined,
): Readable {
  const guard = new XmlGuard(limits, {
    toError: (crossed) =>
      tooLarge(
        path,
        crossed.limit === 'element'
          ? `en rad eller en tekst i filen er over ${megabytes(limits.element?.maxBytes ?? 0)}`
          : `en celle eller et element i filen er over ${megabytes(limits.maxGapBytes)}`,
      ),
    check: () => {
      const problem = extra?.();
      return problem === undefined ? undefined : tooLarge(path, problem);
    },
  });
  // An error of the zip entry (damage, a bad checksum) reaches the parser through the guard.
  pipeline(source, guard, () => {});
  return guard;
}

function notAWorkbook(path: string, entries: Map<string, ZipEntry>): FleetFileError {
  const name = basename(path);
  if (entries.has('content.xml') && entries.has('mimetype')) {
    return new FleetFileError(
      path,
      `"${name}" er et OpenDocument-regneark (LibreOffice) med feil filendelse. ` +
        'Åpne filen i LibreOffice og velg Fil > Lagre som > Excel 2007-365 (.xlsx).',
    );
  }
  if (entries.has('xl/workbook.bin')) {
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

function partPath(target: string): string {
  // Targets are relative to xl/ ("worksheets/sheet1.xml") or absolute within the package ("/xl/...").
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
}

export async function openXlsxFleetFile(path: string, options: OpenOptions = {}): Promise<XlsxFleetFile> {
  const handle: FileHandle = await openFile(path, 'r');
  let sheetStream: Readable | undefined;
  let closed = false;
  const sharedStrings = new SharedStringStore();

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    sheetStream?.destroy();
    // The rows are read: the table goes now, not when the last reference to this file does.
    sharedStrings.release();
    await handle.close().catch(() => undefined);
  };

  try {
    const { size } = await handle.stat();
    let entries: Map<string, ZipEntry>;
    try {
      entries = await readZipDirectory(handle, size);
    } catch (error) {
      if (error instanceof ZipFormatError) throw damaged(path, error);
      throw error;
    }
    const workbookEntry = entries.get('xl/workbook.xml');
    if (!workbookEntry) throw notAWorkbook(path, entries);

    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      // Emitted into our own store (shared-strings.ts), which the worksheet reader then reads by index.
      sharedStrings: 'emit',
      // Without cached styles a date arrives as a serial number and a "00000000000" mask is lost.
      styles: 'cache',
      // A hyperlink cell stores its shown text as the cell value; the link target isn't needed.
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    }) as unknown as ReaderInternals;

    const small = async (entry: ZipEntry): Promise<Readable> =>
      Readable.from([await readZipEntry(handle, size, entry, MAX_SMALL_PART)]);

    const workbookXml = await readZipEntry(handle, size, workbookEntry, MAX_SMALL_PART);
    await reader._parseWorkbook(Readable.from([workbookXml]));
    const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
    if (!relsEntry) throw notAWorkbook(path, entries);
    await reader._parseRels(await small(relsEntry));
    const rels = reader.workbookRels ?? [];

    const sheets: { name: string; hidden: boolean; part: string }[] = [];
    for (const sheet of reader.model?.sheets ?? []) {
      const rel = rels.find((r) => r.Id === sheet.rId);
      if (!rel || !WORKSHEET_TYPE.test(rel.Type) || rel.TargetMode === 'External') continue;
      sheets.push({
        name: sheet.name,
        hidden: sheet.state === 'hidden' || sheet.state === 'veryHidden',
        part: partPath(rel.Target),
      });
    }
    const sheetInfos = sheets.map(({ name: sheetName, hidden }) => ({ name: sheetName, hidden }));

    const relPart = (type: RegExp, fallback: string): ZipEntry | undefined => {
      const rel = rels.find((r) => type.test(r.Type));
      return entries.get(rel ? partPath(rel.Target) : fallback);
    };
    const sharedStringsEntry = relPart(SHARED_STRINGS_TYPE, 'xl/sharedStrings.xml');
    // Sizes as the zip's directory declares them; the zip reader refuses a part that unpacks to more.
    if (sharedStringsEntry && sharedStringsEntry.uncompressedSize > MAX_SHARED_STRINGS_BYTES) {
      throw tooLarge(
        path,
        `tekstene i filen blir ${megabytes(sharedStringsEntry.uncompressedSize)} når filen pakkes ut, og vi leser høyst ${megabytes(MAX_SHARED_STRINGS_BYTES)}`,
      );
    }
    if (sharedStringsEntry) {
      const texts = guarded(
        path,
        await openZipEntry(handle, size, sharedStringsEntry),
        {
          maxGapBytes: MAX_XML_GAP,
          element: { name: 'si', container: 'sst', maxBytes: MAX_SHARED_STRING_BYTES },
        },
        () =>
          sharedStrings.length > MAX_SHARED_STRINGS
            ? `filen har over ${MAX_SHARED_STRINGS.toLocaleString('nb-NO')} ulike tekster`
            : undefined,
      );
      for await (const { text } of reader._parseSharedStrings(texts)) sharedStrings.push(text);
    }
    sharedStrings.seal();
    reader.sharedStrings = sharedStrings.asArrayLike();
    const stylesEntry = relPart(STYLES_TYPE, 'xl/styles.xml');
    if (stylesEntry) await reader._parseStyles(await small(stylesEntry));
    // exceljs takes only date1904="1"; XML's other spelling of true ("true") would put every date 4 years off.
    const date1904 =
      reader.properties?.model?.date1904 === true || DATE_1904.test(workbookXml.toString('utf8'));
    // Its sheet reader turns date-formatted serials into dates by this flag itself.
    reader.properties = { model: { ...reader.properties?.model, date1904 } };

    /** Opens a sheet's rows: blank rows are passed over, hidden ones marked. */
    const openSheet = async (sheet: (typeof sheets)[number]): Promise<SheetRows> => {
      const sheetEntry = entries.get(sheet.part);
      if (!sheetEntry) throw damaged(path, new ZipFormatError(`${sheet.part} missing`));
      // Sizes as the zip's directory declares them; the zip reader refuses a part that unpacks to more.
      if (sheetEntry.uncompressedSize > MAX_SHEET_BYTES) {
        throw tooLarge(
          path,
          `arket blir ${megabytes(sheetEntry.uncompressedSize)} når filen pakkes ut, og vi leser høyst ${megabytes(MAX_SHEET_BYTES)}`,
        );
      }
      const stream = guarded(path, await openZipEntry(handle, size, sheetEntry), {
        maxGapBytes: MAX_XML_GAP,
        element: { name: 'row', container: 'sheetData', maxBytes: MAX_ROW_BYTES },
      });
      const hiddenRows = new SheetMarkup();
      pipeline(stream, hiddenRows, () => {});
      sheetStream = hiddenRows;
      const [emitted] = reader._parseWorksheet(hiddenRows, '1');
      if (!emitted) throw new Error('exceljs did not emit the worksheet');
      const excelRows = emitted.value[Symbol.asyncIterator]();
      let done = false;
      const nextRow = async (): Promise<FoundRow | undefined> => {
        for (;;) {
          // close() while a consumer is reading ends its loop quietly; stopping is not a broken file.
          if (closed || done) return undefined;
          let next: IteratorResult<ExcelRow>;
          try {
            next = await excelRows.next();
          } catch (error) {
            if (closed || done) return undefined;
            if (error instanceof FleetFileError) throw error;
            throw damaged(path, error);
          }
          if (next.done) return undefined;
          const row = next.value;
          if (!Number.isSafeInteger(row.number) || row.number < 1) {
            throw damaged(path, new Error('row without a row number'));
          }
          const hidden = hiddenRows.wasHidden(row.number);
          const cells: string[] = [];
          let blank = true;
          row.eachCell({ includeEmpty: false }, (cell, column) => {
            const value = cell.type === ExcelJS.ValueType.Formula ? { result: cell.result } : cell.value;
            const text = cellText(value, cell.numFmt, date1904);
            if (text === '') return;
            while (cells.length < column - 1) cells.push('');
            cells[column - 1] = text;
            blank = false;
          });
          if (!blank)
            return hidden ? { rowNumber: row.number, cells, hidden } : { rowNumber: row.number, cells };
        }
      };
      const stop = async (): Promise<void> => {
        done = true;
        await excelRows.return?.(undefined).catch(() => undefined);
        hiddenRows.destroy();
      };
      return { nextRow, stop };
    };

    const chosen = await chooseSheet(path, sheets, openSheet, options);
    const { headers, headerRowNumber, rows } = rowsAfterHeader(
      chosen.search.header,
      chosen.rows.nextRow,
      async () => {
        await chosen.rows.stop();
        await close();
      },
    );

    return {
      path,
      format: 'xlsx',
      headers,
      headerRowNumber,
      rowsAbove: chosen.search.above,
      sheet: chosen.sheet.name,
      sheets: sheetInfos,
      passedOver: chosen.passedOver,
      alsoWithColumns: chosen.alsoWithColumns,
      rows,
      close,
    };
  } catch (error) {
    await close();
    if (error instanceof FleetFileError) throw error;
    if (error instanceof ZipFormatError) throw damaged(path, error);
    throw damaged(path, error);
  }
}
