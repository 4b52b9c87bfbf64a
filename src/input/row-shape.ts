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
