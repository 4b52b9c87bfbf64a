// The shared-strings table of an .xlsx, held while its sheet is read, in a form that costs little memory.
//
// Excel and LibreOffice store every text once in `xl/sharedStrings.xml` and the cells refer to it by number, so
// a 200,000-row workbook carries 180,000-360,000 texts that must stay at hand until the last row. exceljs keeps
// them as an array of JS strings: ~35 bytes of header and pointer per text before its characters (12.6 MB for
// 360,000 texts, 43% of the live heap at a run's peak). Here the texts are joined into a few large strings and
// found again by offset (~4 bytes a text), and a cell's text is cut out when its row is read. Rich text
// (formatted runs, rare in a fleet file) is kept as exceljs made it.

/** Texts are joined into pieces of about this many characters, so that no one string grows without end. */
const CHUNK_CHARS = 1 << 20;

export class SharedStringStore {
  readonly #chunkChars: number;
  #chunks: string[] = [];
  /** Global offset of each chunk's first character. */
  #chunkStarts: number[] = [];
  /** Texts of the chunk being filled. */
  #pending: string[] = [];
  #pendingChars = 0;
  #filledChars = 0;
  /** Global offset of text i's first character; its end is the next text's start. */
  #starts = new Uint32Array(1024);
  #count = 0;
  /** Values that are not plain text (rich text, or exceljs' null for an empty <si/>), by index. */
  #others = new Map<number, unknown>();
  #sealed = false;

  constructor(chunkChars = CHUNK_CHARS) {
    this.#chunkChars = chunkChars;
  }

  get length(): number {
    return this.#count;
  }

  /** Adds the next entry, as exceljs' parser yields it: a string, `{ richText }`, or null. */
  push(value: unknown): void {
    if (this.#sealed) throw new Error('shared strings are sealed');
    if (
      this.#filledChars + this.#pendingChars >
      0xffff_ffff - (typeof value === 'string' ? value.length : 0)
    ) {
      // The reader refuses a table this large long before (MAX_SHARED_STRINGS_BYTES); offsets are 32-bit.
      throw new RangeError('shared strings past 4 G characters');
    }
    if (this.#count + 1 >= this.#starts.length) {
      const grown = new Uint32Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    const text = typeof value === 'string' ? value : '';
    if (typeof value !== 'string') this.#others.set(this.#count, value);
    this.#starts[this.#count] = this.#filledChars + this.#pendingChars;
    this.#count++;
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= this.#chunkChars) this.#flush();
  }

  /** Called when the table is read whole; entries can be read before, but not added after. */
  seal(): void {
    this.#flush();
    this.#starts[this.#count] = this.#filledChars;
    this.#sealed = true;
  }

  /** Entry `index` as exceljs would have it, or undefined when there is no such entry. */
  get(index: number): unknown {
    if (!this.#sealed) this.seal();
    if (!Number.isInteger(index) || index < 0 || index >= this.#count) return undefined;
    if (this.#others.has(index)) return this.#others.get(index);
    const start = this.#starts[index] as number;
    const end = this.#starts[index + 1] as number;
    const chunk = this.#chunkAt(start);
    const offset = this.#chunkStarts[chunk] as number;
    return (this.#chunks[chunk] as string).slice(start - offset, end - offset);
  }

  /** Lets go of every text: the reader calls it when the file is closed. */
  release(): void {
    this.#chunks = [];
    this.#chunkStarts = [];
    this.#pending = [];
    this.#starts = new Uint32Array(0);
    this.#others.clear();
    this.#count = 0;
    this.#sealed = true;
  }

  /**
   * A stand-in for exceljs' `sharedStrings` array: its worksheet reader only reads `sharedStrings[index]`.
   * Reads past the end give undefined, as the array did.
   */
  asArrayLike(): unknown[] {
    const store = this;
    return new Proxy([] as unknown[], {
      get(target, key, receiver) {
        if (typeof key === 'string') {
          const index = Number(key);
          if (Number.isInteger(index) && String(index) === key) return store.get(index);
          if (key === 'length') return store.length;
        }
        return Reflect.get(target, key, receiver);
      },
    });
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#chunkStarts.push(this.#filledChars);
    this.#chunks.push(this.#pending.join(''));
    this.#filledChars += this.#pendingChars;
    this.#pending = [];
    this.#pendingChars = 0;
  }

  /** The chunk that holds global offset `at` (the last whose start is at or before it). */
  #chunkAt(at: number): number {
    let low = 0;
    let high = this.#chunkStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.#chunkStarts[middle] as number) <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
