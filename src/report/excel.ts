// Cells made for people, shared by the report's sheets: text that stays text, dates that are dates, widths
// and line counts guessed for 11 pt Calibri, the header's look, and exceljs' streaming writer itself.

import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { Fitting } from './excel-limits.ts';

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

/** How wide a value shows, in column-width units: the widest of its lines. */
export function shownWidth(value: CellScalar): number {
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

export function headerStyle(fill: string, horizontal: 'left' | 'center' = 'left'): Partial<ExcelJS.Style> {
  return {
    font: { ...FONT, bold: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } },
    border: { bottom: { style: 'thin', color: { argb: 'FF8EA9C1' } } },
    alignment: { vertical: 'top', horizontal, wrapText: true },
  };
}
