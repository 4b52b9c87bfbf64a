// Bounds on the XML of an .xlsx part before exceljs parses it, so that a hostile or broken workbook can't make
// the parser hold more than a little of it at a time.
//
// exceljs' streaming parser keeps one text node, one tag, and one row's cells in memory. That is bounded for
// any workbook Excel writes (a cell holds at most 32,767 characters; a row at most 16,384 cells), but not for
// a file made to hurt: a few kilobytes of zip can unpack into a single text of a gigabyte, or a row of a
// million cells. The guard counts bytes as they stream past: the longest stretch without a `<` (a text or a
// tag), and the length of each row (or shared string); the first bound crossed stops the stream with an error,
// before the parser has seen the chunk that crosses it.
//
// It works on the raw bytes with Buffer.indexOf, not tag by tag: a sheet of 200,000 rows has some ten million
// tags, and the guard should cost next to nothing beside the parser.

import { Transform, type TransformCallback } from 'node:stream';

export interface XmlLimits {
  /** Longest run of bytes between two `<`: a text node or a tag. */
  readonly maxGapBytes: number;
  /**
   * Longest element named `name` (any namespace prefix), counted from its start tag: a worksheet's `row`, a
   * shared string's `si`. One without an end tag (`<row r="7"/>`) ends at the next one or at the end of
   * `container`.
   */
  readonly element?: { readonly name: string; readonly container: string; readonly maxBytes: number };
}

/** Which bound the XML crossed; callers turn it into words for staff. */
export class GuardedXmlError extends Error {
  override readonly name = 'GuardedXmlError';
  readonly limit: 'gap' | 'element';
  constructor(limit: 'gap' | 'element', message: string) {
    super(message);
    this.limit = limit;
  }
}

export interface XmlGuardOptions {
  /** The error the stream fails with when a bound is crossed; default the GuardedXmlError itself. */
  readonly toError?: (crossed: GuardedXmlError) => Error;
  /** Asked before each chunk is passed on; an error returned stops the stream (e.g. too many entries parsed). */
  readonly check?: () => Error | undefined;
}

const LT = 0x3c;
const SLASH = 0x2f;
const COLON = 0x3a;
/** Bytes of the previous chunk kept to find a tag cut by a chunk boundary: `</` + a prefix + the name + one. */
const CARRY = 64;

function endsName(byte: number | undefined): boolean {
  // whitespace, '>', '/'
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x3e || byte === SLASH;
}

function namePart(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x5f ||
    byte === 0x2d ||
    byte === 0x2e
  );
}

/**
 * Whether the name at `at` in `data` is a tag's name: `<name`, `</name`, `<p:name` or `</p:name`, followed by
 * the end of the name. Returns where its `<` is and whether it closes, or undefined for text that merely holds
 * the word.
 */
function tagAt(data: Buffer, at: number, length: number): { lt: number; closing: boolean } | undefined {
  if (!endsName(data[at + length])) return undefined;
  let before = at - 1;
  if (data[before] === COLON) {
    before -= 1;
    while (before >= 0 && namePart(data[before])) before -= 1;
  }
  if (data[before] === SLASH && data[before - 1] === LT) return { lt: before - 1, closing: true };
  if (data[before] === LT) return { lt: before, closing: false };
  return undefined;
}

export class XmlGuard extends Transform {
  readonly #limits: XmlLimits;
  readonly #options: XmlGuardOptions;
  readonly #element: Buffer | undefined;
  readonly #container: Buffer | undefined;
  /** Bytes before the current chunk. */
  #offset = 0;
  /** Absolute position of the last `<` (or the start). */
  #lastLt = 0;
  /** Absolute position of the current element's start tag, or -1 outside one. */
  #elementStart = -1;
  /** The end of the previous chunk, to see tags across the boundary. */
  #carry: Buffer = Buffer.alloc(0);

  constructor(limits: XmlLimits, options: XmlGuardOptions = {}) {
    super();
    this.#limits = limits;
    this.#options = options;
    this.#element = limits.element ? Buffer.from(limits.element.name) : undefined;
    this.#container = limits.element ? Buffer.from(limits.element.container) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const crossed = this.#gap(chunk) ?? this.#elements(chunk);
    this.#offset += chunk.length;
    const error = crossed ? (this.#options.toError?.(crossed) ?? crossed) : this.#options.check?.();
    if (error) callback(error);
    else callback(null, chunk);
  }

  #gap(chunk: Buffer): GuardedXmlError | undefined {
    const { maxGapBytes } = this.#limits;
    const tooLong = () => new GuardedXmlError('gap', `a text or tag longer than ${maxGapBytes} bytes`);
    // Within a chunk no longer than the bound no gap can exceed it: only the first `<` and the end matter.
    let at = chunk.indexOf(LT);
    while (at !== -1) {
      if (this.#offset + at - this.#lastLt > maxGapBytes) return tooLong();
      this.#lastLt = this.#offset + at;
      at = chunk.length > maxGapBytes ? chunk.indexOf(LT, at + 1) : -1;
      if (at === -1) this.#lastLt = Math.max(this.#lastLt, this.#offset + chunk.lastIndexOf(LT));
    }
    if (this.#offset + chunk.length - this.#lastLt > maxGapBytes) return tooLong();
    return undefined;
  }

  #elements(chunk: Buffer): GuardedXmlError | undefined {
    const { element } = this.#limits;
    if (!element || !this.#element || !this.#container) return undefined;
    const carry = this.#carry;
    const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const base = this.#offset - carry.length;
    // Tags of the element and of its container's end, in the order they come.
    const events: { lt: number; element: boolean; closing: boolean }[] = [];
    for (const [name, isElement] of [
      [this.#element, true],
      [this.#container, false],
    ] as const) {
      for (let at = data.indexOf(name); at !== -1; at = data.indexOf(name, at + 1)) {
        // A name whose end was already visible in the previous chunk was counted there.
        if (at + name.length < carry.length) continue;
        // A name cut at the end of this chunk is seen whole with the next.
        if (at + name.length >= data.length) break;
        const tag = tagAt(data, at, name.length);
        if (tag && (isElement || tag.closing))
          events.push({ lt: base + tag.lt, element: isElement, closing: tag.closing });
      }
    }
    events.sort((a, b) => a.lt - b.lt);
    for (const event of events) {
      const problem = this.#elementTooLong(event.lt, element.maxBytes);
      if (problem) return problem;
      this.#elementStart = event.element && !event.closing ? event.lt : -1;
    }
    this.#carry = Buffer.from(data.subarray(Math.max(0, data.length - CARRY)));
    return this.#elementTooLong(this.#offset + chunk.length, element.maxBytes);
  }

  #elementTooLong(position: number, maxBytes: number): GuardedXmlError | undefined {
    if (this.#elementStart >= 0 && position - this.#elementStart > maxBytes) {
      return new GuardedXmlError(
        'element',
        `a ${this.#limits.element?.name} element longer than ${maxBytes} bytes`,
      );
    }
    return undefined;
  }
}
