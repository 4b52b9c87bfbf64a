import type { RawRow } from '../domain/types.ts';
// What both readers do to a row once its cells are texts.

/** Pads cells to the header's length; extra cells are kept, but trailing empty ones carry nothing and go. */
export function shapeCells(cells: string[], headerLength: number): string[] {
  let length = cells.length;
  while (length > headerLength && cells[length - 1] === '') length--;
  cells.length = length;
  while (cells.length < headerLength) cells.push('');
  return cells;
}

/** Wraps a generator so it can be iterated once; a second `for await` is a bug in the caller. */
export function iterableOnce<T>(start: () => AsyncGenerator<T>): AsyncIterable<T> {
  let started = false;
  return {
    [Symbol.asyncIterator]() {
      if (started) throw new Error('FleetFile.rows can be read only once');
      started = true;
      return start();
    },
  };
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Trims, and composes letters a Mac may have written as base letter + accent (so "å" is one character). */
export function tidyText(text: string): string {
  const trimmed = text.trim();
  return NON_ASCII.test(trimmed) ? trimmed.normalize('NFC') : trimmed;
}

/** A row as a reader finds it: its Excel row number and its cells, not yet padded to the header. */
export interface FoundRow {
  readonly rowNumber: number;
  readonly cells: string[];
  readonly hidden?: boolean;
}

/**
 * The header (found by `findHeader`) and the data rows that follow it with `nextRow`, each padded to the
 * header's length, readable once; `finish` runs when the rows are done or abandoned. Shared by the CSV and
 * XLSX readers.
 */
export function rowsAfterHeader(
  header: FoundRow,
  nextRow: () => Promise<FoundRow | undefined>,
  finish: () => Promise<void>,
): { headers: string[]; headerRowNumber: number; rows: AsyncIterable<RawRow> } {
  const headers = shapeCells(header.cells, 0);
  const headerLength = headers.length;
  async function* rows(): AsyncGenerator<RawRow> {
    try {
      for (let row = await nextRow(); row; row = await nextRow()) {
        const cells = shapeCells(row.cells, headerLength);
        yield row.hidden
          ? { rowNumber: row.rowNumber, cells, hidden: true }
          : { rowNumber: row.rowNumber, cells };
      }
    } finally {
      await finish();
    }
  }
  return { headers, headerRowNumber: header.rowNumber, rows: iterableOnce(rows) };
}
