// What exceljs' streaming sheet reader drops, picked up from the sheet's XML on its way to it:
//
// - Hidden rows: filtered out by an autofilter, hidden by hand, or folded away in a group. Excel and
//   LibreOffice mark them on the row element (`<row r="5" hidden="1">`), an attribute exceljs ignores.
// - Error results of formulas (`<c t="e"><f>…</f><v>#N/A</v></c>`): exceljs parses the cached `#N/A` as a number
//   and loses it. Such a cell is passed on as `t="str"`, so it arrives as the text Excel shows.
//
// Chunks are passed on up to their last `<`, the rest held back for the next one, so every tag looked at is
// whole. The XML guard before this bounds a tag and a text, so what is held back stays small. It runs at most a
// chunk or two ahead of the parser, and the reader takes each number out of the set as that row comes by, so
// the set stays small however many rows are hidden.

import { Transform, type TransformCallback } from 'node:stream';

const LT = 0x3c;
const GT = 0x3e;
const ROW_TAG = Buffer.from('<row');
const HIDDEN_WORD = Buffer.from('hidden');
const HIDDEN = /\shidden\s*=\s*(["'])(?:1|true)\1/;
const ROW_NUMBER = /\sr\s*=\s*(["'])(\d+)\1/;
const ERROR_TYPES = [Buffer.from(' t="e"'), Buffer.from(" t='e'")];
const ERROR_TYPE_BYTES = 6;
const STRING_TYPE = Buffer.from(' t="str"');

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function endsName(byte: number | undefined): boolean {
  return isSpace(byte) || byte === GT || byte === 0x2f;
}

export class SheetMarkup extends Transform {
  /** Row numbers seen hidden and not yet taken by the reader. */
  readonly #hidden = new Set<number>();
  #held: Buffer = Buffer.alloc(0);

  /** Whether the row was hidden; forgets it either way. */
  wasHidden(rowNumber: number): boolean {
    return this.#hidden.delete(rowNumber);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    const cut = data.lastIndexOf(LT);
    const ready = cut < 0 ? data : data.subarray(0, cut);
    this.#held = cut < 0 ? Buffer.alloc(0) : Buffer.from(data.subarray(cut));
    if (ready.length > 0) this.push(this.#pass(ready));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#held.length > 0) this.push(this.#pass(this.#held));
    this.#held = Buffer.alloc(0);
    callback();
  }

  /** Notes the hidden rows in `data` (whole tags only) and returns it with error cells typed as text. */
  #pass(data: Buffer): Buffer {
    for (let at = data.indexOf(ROW_TAG); at >= 0; at = data.indexOf(ROW_TAG, at + ROW_TAG.length)) {
      if (!endsName(data[at + ROW_TAG.length])) continue;
      const end = data.indexOf(GT, at);
      if (end < 0) break;
      const tag = data.subarray(at, end);
      if (tag.indexOf(HIDDEN_WORD) < 0) continue;
      const text = tag.toString('latin1');
      const number = HIDDEN.test(text) ? ROW_NUMBER.exec(text)?.[2] : undefined;
      if (number !== undefined) this.#hidden.add(Number(number));
    }
    return retypeErrors(data);
  }
}

/** `<c r="F3" t="e">` → `<c r="F3" t="str">`; an attribute-like text elsewhere is left alone. */
function retypeErrors(data: Buffer): Buffer {
  const found: number[] = [];
  for (const pattern of ERROR_TYPES) {
    for (let at = data.indexOf(pattern); at >= 0; at = data.indexOf(pattern, at + 1)) {
      const lt = data.lastIndexOf(LT, at);
      const gt = data.lastIndexOf(GT, at);
      if (lt >= 0 && gt < lt && data[lt + 1] === 0x63 && isSpace(data[lt + 2])) found.push(at);
    }
  }
  if (found.length === 0) return data;
  found.sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of found) {
    pieces.push(data.subarray(from, at), STRING_TYPE);
    from = at + ERROR_TYPE_BYTES;
  }
  pieces.push(data.subarray(from));
  return Buffer.concat(pieces);
}
