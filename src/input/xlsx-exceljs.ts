// The parts of exceljs we drive by hand, in one place. exceljs' streaming WorkbookReader does the XML work
// (workbook, relationships, shared strings, styles and the sheet's rows), but we feed it the zip parts ourselves
// (see xlsx-reader.ts for why), so we call methods it keeps internal. They are named here and only here, checked
// against exceljs 4.4 (lib/stream/xlsx/workbook-reader.js) by the tests in test/input.

import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';

// The reader and the enums on their own, not the package's entry, which loads all of exceljs (the writer and the
// in-memory Workbook too): ~115 ms of CPU instead of ~200 before the first row is read.
const load = createRequire(import.meta.url);
export const WorkbookReader: typeof ExcelJS.stream.xlsx.WorkbookReader = load(
  'exceljs/lib/stream/xlsx/workbook-reader.js',
);
export const ValueTypes: typeof ExcelJS.ValueType = (load('exceljs/lib/doc/enums.js') as typeof ExcelJS)
  .ValueType;

export interface ExcelCell {
  readonly type: number;
  readonly value: unknown;
  /** A formula's cached result; read directly because `value` drops a falsy result (0, '', NaN). */
  readonly result?: unknown;
  readonly numFmt?: string;
}

export interface ExcelRow {
  readonly number: number;
  eachCell(options: { includeEmpty: boolean }, callback: (cell: ExcelCell, column: number) => void): void;
}

/** A sheet as workbook.xml lists it. */
export interface SheetEntry {
  readonly name: string;
  readonly state?: string;
  readonly rId: string;
}

/** One relationship of xl/_rels/workbook.xml.rels. */
export interface Relationship {
  readonly Id: string;
  readonly Type: string;
  readonly Target: string;
  readonly TargetMode?: string;
}

/** The parts of exceljs' WorkbookReader we drive ourselves (exceljs 4.4, lib/stream/xlsx/workbook-reader.js). */
export interface ReaderInternals {
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

/** A WorkbookReader set up for a fleet file; it never opens `path` itself, we hand it the parts. */
export function newWorkbookReader(path: string): ReaderInternals {
  return new WorkbookReader(path, {
    // Emitted into our own store (shared-strings.ts), which the worksheet reader then reads by index.
    sharedStrings: 'emit',
    // Without cached styles a date arrives as a serial number and a "00000000000" mask is lost.
    styles: 'cache',
    // A hyperlink cell stores its shown text as the cell value; the link target isn't needed.
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ReaderInternals;
}

/** Whether exceljs read the cell as a formula, whose cached result is then the value. */
export function isFormula(cell: ExcelCell): boolean {
  return cell.type === ValueTypes.Formula;
}
