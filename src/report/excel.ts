// A streaming table sheet made for people: bold shaded header, frozen, with a filter, columns sized from the
// first rows, text that stays text and dates that are dates. Rows stream: a sheet never holds more than the
// sample in memory.

import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { DATA_ROWS_PER_SHEET, Fitting, MAX_COLUMNS, partName } from './excel-limits.ts';
import type { PrivateOutput } from './files.ts';

export type CellScalar = string | number | Date | null;

export interface TableColumn<T> {
  readonly header: string;
  readonly value: (row: T) => CellScalar;
  /** The widest the column gets, in characters; longer text wraps (if `wrap`) or is cut off on screen. */
  readonly maxWidth: number;
  /** Excel number format; default `TEXT_FORMAT`, which keeps what is typed into the cell later as text too. */
  readonly numFmt?: string;
  readonly wrap?: boolean;
  /** Default: left; numbers and dates are centred, so a short number doesn't sit against the next column. */
  readonly align?: 'left' | 'center';
  /** A column copied from the input file: its header is grey, the report's own columns' blue. */
  readonly fromInput?: boolean;
}

export const TEXT_FORMAT = '@';
export const DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm';
export const INTEGER_FORMAT = '0';

/** Points per line of 11 pt Calibri, exceljs' default font. */
const LINE_HEIGHT = 15;
/** Rows looked at before the column widths are fixed: they must be written before the first row. */
const WIDTH_SAMPLE = 200;
/** Rows written between two chances for the file stream to catch up. */
const BATCH = 500;

/** exceljs writes a font without a name when given only `bold`; LibreOffice then falls back to a serif. */
export const FONT = { name: 'Calibri', size: 11 } as const;

export const OWN_HEADER_FILL = 'FFDDEBF7';
export const INPUT_HEADER_FILL = 'FFE7E6E6';

/**
 * exceljs' streaming writer on its own. The package's entry loads all of exceljs, the reader with its unzip
 * library and the in-memory Workbook included: ~200 ms of CPU that block the event loop, against ~75 ms for the
 * writer alone (checked against exceljs 4.4 by test/report/excel.test.ts).
 */
export const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter = createRequire(import.meta.url)(
  'exceljs/lib/stream/xlsx/workbook-writer.js',
);

export function createWorkbookWriter(stream: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  // Shared strings would keep every distinct text of the workbook in memory until the end.
  return new WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
}

/**
 * exceljs turns a Date into an Excel serial number from its UTC time; Excel has no time zones, so shift the
 * date until its UTC fields read as the local wall clock staff expect to see.
 */
export function excelLocalDate(date: Date): Date {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
}

/**
 * The value as it goes into a cell. Strings stay strings (exceljs makes a formula only of `{formula}`), fitted
 * to what a cell can hold; `fitting` counts what that changed.
 */
export function cellValue(value: CellScalar, fitting: Fitting = new Fitting()): CellScalar {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : excelLocalDate(value);
  if (typeof value === 'string') return value === '' ? null : fitting.text(value);
  return value;
}

/**
 * Roughly how many column-width units (the width of a digit) a text takes in 11 pt Calibri: capitals and
 * digits about one, lower case three quarters, spaces and narrow punctuation less. Rows stream, so Excel
 * can't be asked; a guess that errs wide only leaves some air.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch === ' ') width += 0.4;
    else if (/[.,:;'!|()[\]{}\-ijlft]/.test(ch)) width += 0.5;
    else if (/[\p{Lu}\d_@#%&mw]/u.test(ch)) width += 1;
    else width += 0.75;
  }
  return width;
}

function shownWidth(value: CellScalar): number {
  if (value === null) return 0;
  if (value instanceof Date) return 16;
  if (typeof value === 'number') return String(value).length;
  let widest = 0;
  for (const line of value.split('\n')) widest = Math.max(widest, textWidth(line));
  return widest;
}

/**
 * How many lines a wrapped text takes in a column this wide, wrapping at spaces as Excel does. The writer
 * sets row heights from it: LibreOffice was seen to open a row of wrapped text at one line's height.
 */
export function wrappedLines(value: CellScalar, width: number): number {
  if (typeof value !== 'string' || value === '') return 1;
  // Cell padding, and a margin for fonts wider than the guess (LibreOffice without Calibri).
  const room = Math.max(1, (width - 1) / 1.1);
  let lines = 0;
  for (const paragraph of value.split('\n')) {
    lines++;
    let used = 0;
    for (const word of paragraph.split(' ')) {
      const w = textWidth(word);
      if (used > 0 && used + 0.4 + w > room) {
        lines++;
        used = w;
      } else {
        used += (used > 0 ? 0.4 : 0) + w;
      }
      // A word longer than the column is broken wherever the line ends.
      while (used > room) {
        lines++;
        used -= room;
      }
    }
  }
  return lines;
}

/** Bytes of sheet XML that may wait for the zip before writing pauses. */
const MAX_ZIP_BACKLOG = 1024 * 1024;

/**
 * How much of a sheet's XML waits to be compressed. exceljs' worksheet stream hands its XML to the zip
 * without backpressure, so a fast writer would pile the whole sheet up in memory (~100 MB for 200,000 rows)
 * while zlib and the disk lag behind. This peeks at exceljs 4.4 internals (the sheet stream's buffers and the
 * pipe the zip reads it through); should they change, it reports 0 and writing simply does not pause.
 */
function zipBacklog(sheet: ExcelJS.Worksheet): number {
  const internals = sheet as unknown as {
    stream?: {
      pipes?: readonly { writableLength?: number; _writableState?: { length?: number } }[];
      buffers?: readonly unknown[];
      bufSize?: number;
    };
  };
  const stream = internals.stream;
  if (!stream) return 0;
  const pipe = stream.pipes?.[0];
  // The pipe is a readable-stream 2.x PassThrough, older than `writableLength`.
  if (pipe) return pipe.writableLength ?? pipe._writableState?.length ?? 0;
  // Not read by the zip yet (it is still compressing the previous sheet): the XML collects in the stream.
  return (stream.buffers?.length ?? 0) * (stream.bufSize ?? 0);
}

export function headerStyle(fill: string, horizontal: 'left' | 'center' = 'left'): Partial<ExcelJS.Style> {
  return {
    font: { ...FONT, bold: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } },
    border: { bottom: { style: 'thin', color: { argb: 'FF8EA9C1' } } },
    alignment: { vertical: 'top', horizontal, wrapText: true },
  };
}

export interface TableOptions {
  /** Columns kept in view when scrolling right (the row's identity: Rad, Kjennemerke). */
  readonly frozenColumns?: number;
  readonly tabColor?: string;
  /** Counts what had to change to fit Excel's limits; see excel-limits.ts. */
  readonly fitting?: Fitting;
  /** Data rows per sheet before the rows go on in `<name> (2)`; Excel's limit unless a test says otherwise. */
  readonly rowsPerSheet?: number;
}

/**
 * Writes one sheet and commits it, so the workbook writer holds nothing of it afterwards. Returns the number
 * of data rows written. What Excel can't hold is fitted, never refused: columns past XFD are left out, rows
 * past row 1,048,576 go on in a sheet of their own (`<name> (2)`, with the same header), text is cut at
 * Excel's cell limit and characters XML can't hold are replaced; `options.fitting` counts each.
 */
export async function writeTableSheet<T>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  allColumns: readonly TableColumn<T>[],
  rows: Iterable<T>,
  output: PrivateOutput,
  options: TableOptions = {},
): Promise<number> {
  const frozenColumns = options.frozenColumns ?? 0;
  const fitting = options.fitting ?? new Fitting();
  const rowsPerSheet = options.rowsPerSheet ?? DATA_ROWS_PER_SHEET;
  const columns = allColumns.slice(0, MAX_COLUMNS);
  if (allColumns.length > MAX_COLUMNS) fitting.droppedColumns.set(name, allColumns.length - MAX_COLUMNS);
  const addSheet = (sheetName: string) =>
    workbook.addWorksheet(sheetName, {
      views: [
        frozenColumns > 0
          ? { state: 'frozen', xSplit: frozenColumns, ySplit: 1 }
          : { state: 'frozen', ySplit: 1 },
      ],
      properties: options.tabColor ? { tabColor: { argb: options.tabColor } } : {},
      // Printing a wide sheet: landscape, as many pages down as needed but one page across.
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });

  const iterator = rows[Symbol.iterator]();
  const sample: CellScalar[][] = [];
  while (sample.length < WIDTH_SAMPLE) {
    const next = iterator.next();
    if (next.done) break;
    sample.push(columns.map((column) => cellValue(column.value(next.value), fitting)));
  }

  const widths = columns.map((column, i) => {
    let longest = 0;
    for (const values of sample) longest = Math.max(longest, shownWidth(values[i] ?? null));
    // Room for the filter button beside the header text; the header itself fits unless it is very long.
    // Values get 30% more than the guess: a column a little wide reads better than one that wraps.
    const header = column.header.length + 4;
    return Math.min(
      Math.max(header, Math.ceil(longest * 1.3) + 2, 6),
      Math.max(column.maxWidth, Math.min(header, 40)),
    );
  });

  // One style object per column, set on every cell: exceljs caches a style's id by object identity, and
  // a fresh object per cell (what it makes from the column by itself) costs a third of the writing time.
  // Columns that look alike share one (a wide input file has thousands of text columns).
  const cellStyles = new Map<string, Partial<ExcelJS.Style>>();
  const styles: Partial<ExcelJS.Style>[] = columns.map((column) => {
    const numFmt = column.numFmt ?? TEXT_FORMAT;
    const horizontal = column.align ?? 'left';
    const wrapText = column.wrap ?? false;
    const key = `${numFmt}/${horizontal}/${wrapText}`;
    const known = cellStyles.get(key);
    if (known) return known;
    const style: Partial<ExcelJS.Style> = { numFmt, alignment: { vertical: 'top', horizontal, wrapText } };
    cellStyles.set(key, style);
    return style;
  });
  // Headers come from the input file too: the same fitting as any cell, counted once (not once per part).
  const headers = columns.map((column) => fitting.text(column.header));
  // One object per kind of header, as for the cells: a new one per cell costs seconds in a 16,384-column sheet.
  const headerStyles = new Map<string, Partial<ExcelJS.Style>>();
  const headerStyleOf = (fill: string, align: 'left' | 'center' = 'left') => {
    const key = `${fill}/${align}`;
    const known = headerStyles.get(key);
    if (known) return known;
    const style = headerStyle(fill, align);
    headerStyles.set(key, style);
    return style;
  };
  const startSheet = (sheetName: string) => {
    const started = addSheet(sheetName);
    started.columns = widths.map((width, i) => ({ width, style: styles[i] ?? {} }));
    const header = started.addRow(headers);
    let headerLines = 1;
    columns.forEach((column, i) => {
      header.getCell(i + 1).style = headerStyleOf(
        column.fromInput ? INPUT_HEADER_FILL : OWN_HEADER_FILL,
        column.align,
      );
      headerLines = Math.max(headerLines, wrappedLines(headers[i] ?? '', (widths[i] ?? 10) - 3));
    });
    if (headerLines > 1) header.height = headerLines * LINE_HEIGHT;
    header.commit();
    started.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    return started;
  };
  let part = 1;
  let sheet = startSheet(name);
  let inSheet = 0;

  const wrapping = columns.flatMap((column, i) => (column.wrap ? [i] : []));
  let written = 0;
  const writeRow = async (values: CellScalar[]) => {
    if (inSheet === rowsPerSheet) {
      sheet.commit();
      part++;
      sheet = startSheet(partName(name, part));
      inSheet = 0;
    }
    inSheet++;
    const row = sheet.addRow(values);
    for (let i = 0; i < values.length; i++) {
      const style = styles[i];
      if (style) row.getCell(i + 1).style = style;
    }
    let lines = 1;
    for (const i of wrapping) lines = Math.max(lines, wrappedLines(values[i] ?? null, widths[i] ?? 10));
    if (lines > 1) row.height = lines * LINE_HEIGHT;
    row.commit();
    written++;
    if (written % BATCH === 0) await output.breathe(() => zipBacklog(sheet) > MAX_ZIP_BACKLOG);
  };

  for (const values of sample) await writeRow(values);
  sample.length = 0;
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    await writeRow(columns.map((column) => cellValue(column.value(next.value), fitting)));
  }
  sheet.commit();
  if (part > 1) fitting.parts.set(name, part);
  return written;
}
