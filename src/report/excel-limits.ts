// What an Excel sheet can hold, and a record of what a report had to leave out or change to fit, so that the
// Oppsummering sheet can say so. Nothing is cut silently: exceljs would throw at column 16,385, write a sheet
// past row 1,048,576 that Excel refuses to open, and copy U+FFFE into the sheet XML, which no XML parser reads.

/** Excel's last column is XFD. */
export const MAX_COLUMNS = 16_384;
/** Rows per sheet, the header row included. */
export const MAX_ROWS = 1_048_576;
/** Excel refuses a cell with more text than this. */
export const MAX_CELL_TEXT = 32_767;

/**
 * Characters XML 1.0 cannot hold (control characters but tab, line feed and carriage return; U+FFFE, U+FFFF;
 * halves of a surrogate pair on their own), and DEL, which exceljs drops without a word. They come from
 * exports of other systems, never from what a person typed, so a visible U+FFFD in their place loses nothing.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|\p{Cs}/gu;
export const REPLACEMENT = '\uFFFD';

/** The text with every character XML cannot hold replaced by U+FFFD; the same string when there is none. */
export function xmlSafe(text: string): string {
  NOT_IN_XML.lastIndex = 0;
  return NOT_IN_XML.test(text) ? text.replace(NOT_IN_XML, REPLACEMENT) : text;
}

/**
 * What writing one report file changed to make it fit. Counted while writing, and read by the Oppsummering
 * sheet (so it can say so) and by the writer (to write the workbook again if it learnt something the sheet did
 * not say yet).
 */
export class Fitting {
  /** Cells (and headers) whose text had characters XML cannot hold. */
  replacedCells = 0;
  /** Cells cut to MAX_CELL_TEXT. */
  cutCells = 0;
  /** Per sheet name: columns left out because the sheet would pass MAX_COLUMNS. */
  readonly droppedColumns = new Map<string, number>();
  /** Per sheet name: how many sheets its rows took (more than one past MAX_ROWS). */
  readonly parts = new Map<string, number>();

  /** Text as it may go into a cell: XML-safe, and cut to Excel's limit when `cap`. */
  text(value: string, cap = true): string {
    const safe = xmlSafe(value);
    if (safe !== value) this.replacedCells++;
    if (!cap || safe.length <= MAX_CELL_TEXT) return safe;
    this.cutCells++;
    // Not in the middle of a surrogate pair, which would leave half a character behind.
    let end = MAX_CELL_TEXT - 1;
    const last = safe.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    return `${safe.slice(0, end)}…`;
  }

  add(other: Fitting): void {
    this.replacedCells += other.replacedCells;
    this.cutCells += other.cutCells;
    for (const [sheet, n] of other.droppedColumns) this.droppedColumns.set(sheet, n);
    for (const [sheet, n] of other.parts) this.parts.set(sheet, n);
  }

  /** Whether this says everything `other` found (what a sheet written with this knew is all there was). */
  covers(other: Fitting): boolean {
    const mapCovers = (mine: Map<string, number>, theirs: Map<string, number>) =>
      [...theirs].every(([sheet, n]) => n <= 1 || mine.get(sheet) === n);
    return (
      this.replacedCells >= other.replacedCells &&
      this.cutCells >= other.cutCells &&
      [...other.droppedColumns].every(([sheet, n]) => this.droppedColumns.get(sheet) === n) &&
      mapCovers(this.parts, other.parts)
    );
  }
}

/** Data rows that fit in one sheet under its header row. */
export const DATA_ROWS_PER_SHEET = MAX_ROWS - 1;

/** The name of part `n` (from 1) of a sheet whose rows take more than one: `Vellykket`, `Vellykket (2)`, … */
export function partName(name: string, n: number): string {
  return n === 1 ? name : `${name} (${n})`;
}
