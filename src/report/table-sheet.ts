// A streaming table sheet made for people: bold shaded header, frozen, with a filter, columns sized from the
// first rows. Rows stream: a sheet never holds more than its width sample in memory. They may come in several
// goes (`add`), as they become known, which is how the Vellykket sheet is written while its file is still being
// sent (early-workbook.ts).

import { setImmediate as nextTurn } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import {
  type CellScalar,
  cellValue,
  headerStyle,
  INPUT_HEADER_FILL,
  OWN_HEADER_FILL,
  shownWidth,
  type TableColumn,
  TEXT_FORMAT,
  wrappedLines,
} from './excel.ts';
import { DATA_ROWS_PER_SHEET, Fitting, MAX_COLUMNS, partName } from './excel-limits.ts';
import { zipBacklog } from './exceljs-internals.ts';
import type { PrivateOutput } from './files.ts';

export interface TableOptions {
  /** Columns kept in view when scrolling right (the row's identity: Rad, Kjennemerke). */
  readonly frozenColumns?: number;
  readonly tabColor?: string;
  /** Counts what had to change to fit Excel's limits; see excel-limits.ts. */
  readonly fitting?: Fitting;
  /** Data rows per sheet before the rows go on in `<name> (2)`; Excel's limit unless a test says otherwise. */
  readonly rowsPerSheet?: number;
}

/** Points per line of 11 pt Calibri, exceljs' default font. */
const LINE_HEIGHT = 15;
/** Rows looked at before the column widths are fixed: they must be written before the first row. */
const WIDTH_SAMPLE = 200;
/**
 * Rows written in one turn of the event loop (~45 µs each). A sheet is written while rows are still sent (the
 * early workbook, or another owner's lane): answers from the API wait for the turn, and every slot with them.
 */
export const ROWS_PER_TURN = 50;
/** Rows written between two chances for the file stream to catch up. */
const BATCH = 500;
/** Bytes of sheet XML that may wait for the zip before writing pauses. */
const MAX_ZIP_BACKLOG = 1024 * 1024;

/**
 * Writes one sheet and commits it, so the workbook writer holds nothing of it afterwards. Returns the number
 * of data rows written. See `TableSheet` for what is fitted to Excel's limits.
 */
export async function writeTableSheet<T>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly TableColumn<T>[],
  rows: Iterable<T>,
  output: PrivateOutput,
  options: TableOptions = {},
): Promise<number> {
  const sheet = new TableSheet(workbook, name, columns, output, options);
  await sheet.add(rows);
  return sheet.end();
}

/**
 * One table sheet being written. What Excel can't hold is fitted, never refused: columns past XFD are left
 * out, rows past row 1,048,576 go on in a sheet of their own (`<name> (2)`, with the same header), text is cut
 * at Excel's cell limit and characters XML can't hold are replaced; `options.fitting` counts each. The sheet
 * is added to the workbook when its width sample is full (or at `end`), not before.
 */
export class TableSheet<T> {
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #name: string;
  readonly #columns: readonly TableColumn<T>[];
  readonly #output: PrivateOutput;
  readonly #options: TableOptions;
  readonly #fitting: Fitting;
  readonly #rowsPerSheet: number;
  /** The first rows' values, until the widths are fixed from them; then undefined. */
  #sample: CellScalar[][] | undefined = [];
  #layout: ColumnLayout | undefined;
  #sheet: ExcelJS.Worksheet | undefined;
  #part = 1;
  #inSheet = 0;
  #written = 0;

  constructor(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    name: string,
    columns: readonly TableColumn<T>[],
    output: PrivateOutput,
    options: TableOptions = {},
  ) {
    this.#workbook = workbook;
    this.#name = name;
    this.#output = output;
    this.#options = options;
    this.#fitting = options.fitting ?? new Fitting();
    this.#rowsPerSheet = options.rowsPerSheet ?? DATA_ROWS_PER_SHEET;
    this.#columns = columns.slice(0, MAX_COLUMNS);
    if (columns.length > MAX_COLUMNS) this.#fitting.droppedColumns.set(name, columns.length - MAX_COLUMNS);
  }

  /** Data rows written so far (the width sample not counted until it is written). */
  get written(): number {
    return this.#written;
  }

  /** Adds rows below those added before. */
  async add(rows: Iterable<T>): Promise<void> {
    for (const row of rows) {
      const values = this.#columns.map((column) => cellValue(column.value(row), this.#fitting));
      const sample = this.#sample;
      if (!sample) {
        await this.#writeRow(values);
        continue;
      }
      sample.push(values);
      if (sample.length >= WIDTH_SAMPLE) await this.#writeSample();
    }
  }

  /** Commits the sheet (after the sample, if it never filled); returns the number of data rows written. */
  async end(): Promise<number> {
    if (this.#sample) await this.#writeSample();
    this.#sheet?.commit();
    if (this.#part > 1) this.#fitting.parts.set(this.#name, this.#part);
    return this.#written;
  }

  async #writeSample(): Promise<void> {
    const sample = this.#sample ?? [];
    this.#sample = undefined;
    this.#layout = columnLayout(this.#columns, sample, this.#fitting);
    this.#sheet = this.#startSheet(this.#name);
    for (const values of sample) await this.#writeRow(values);
  }

  async #writeRow(values: CellScalar[]): Promise<void> {
    const layout = this.#layout as ColumnLayout;
    let sheet = this.#sheet as ExcelJS.Worksheet;
    if (this.#inSheet === this.#rowsPerSheet) {
      sheet.commit();
      this.#part++;
      sheet = this.#startSheet(partName(this.#name, this.#part));
      this.#sheet = sheet;
      this.#inSheet = 0;
    }
    this.#inSheet++;
    const row = sheet.addRow(values);
    for (let i = 0; i < values.length; i++) {
      const style = layout.styles[i];
      if (style) row.getCell(i + 1).style = style;
    }
    let lines = 1;
    for (const i of layout.wrapping) {
      lines = Math.max(lines, wrappedLines(values[i] ?? null, layout.widths[i] ?? 10));
    }
    if (lines > 1) row.height = lines * LINE_HEIGHT;
    row.commit();
    this.#written++;
    if (this.#written % BATCH === 0) {
      await this.#output.breathe(() => zipBacklog(sheet) > MAX_ZIP_BACKLOG);
    } else if (this.#written % ROWS_PER_TURN === 0) {
      await nextTurn();
    }
  }

  #startSheet(sheetName: string): ExcelJS.Worksheet {
    const layout = this.#layout as ColumnLayout;
    const frozenColumns = this.#options.frozenColumns ?? 0;
    const { tabColor } = this.#options;
    const sheet = this.#workbook.addWorksheet(sheetName, {
      views: [
        frozenColumns > 0
          ? { state: 'frozen', xSplit: frozenColumns, ySplit: 1 }
          : { state: 'frozen', ySplit: 1 },
      ],
      properties: tabColor ? { tabColor: { argb: tabColor } } : {},
      // Printing a wide sheet: landscape, as many pages down as needed but one page across.
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    sheet.columns = layout.widths.map((width, i) => ({ width, style: layout.styles[i] ?? {} }));
    const header = sheet.addRow(layout.headers);
    let headerLines = 1;
    this.#columns.forEach((column, i) => {
      header.getCell(i + 1).style = layout.headerStyle(
        column.fromInput ? INPUT_HEADER_FILL : OWN_HEADER_FILL,
        column.align,
      );
      headerLines = Math.max(
        headerLines,
        wrappedLines(layout.headers[i] ?? '', (layout.widths[i] ?? 10) - 3),
      );
    });
    if (headerLines > 1) header.height = headerLines * LINE_HEIGHT;
    header.commit();
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: this.#columns.length } };
    return sheet;
  }
}

interface ColumnLayout {
  readonly widths: readonly number[];
  readonly styles: readonly Partial<ExcelJS.Style>[];
  readonly headers: readonly string[];
  readonly headerStyle: (fill: string, align?: 'left' | 'center') => Partial<ExcelJS.Style>;
  /** The columns whose text wraps, which set the row's height. */
  readonly wrapping: readonly number[];
}

/** Widths from the sample, and the styles every cell of a column shares. */
function columnLayout<T>(
  columns: readonly TableColumn<T>[],
  sample: readonly CellScalar[][],
  fitting: Fitting,
): ColumnLayout {
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
  const styles = columns.map((column) => {
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
  return {
    widths,
    styles,
    // Headers come from the input file too: the same fitting as any cell, counted once (not once per part).
    headers: columns.map((column) => fitting.text(column.header)),
    headerStyle: headerStyleOf,
    wrapping: columns.flatMap((column, i) => (column.wrap ? [i] : [])),
  };
}
