/**
 * The conversation between one file's reader and its sender. The reader puts rows in the ledger and may run
 * ahead of the sender by at most `size` rows: past that it waits for room, and is not pulled while it waits
 * (that is the backpressure that keeps memory flat however large the file). The sender takes rows from the
 * ledger, moves the cursor past them, and waits for more while the reader is not done.
 *
 * Once sending has halted (or the sender has ended) the window no longer holds the reader back: the rows go to
 * the ledger for the next run to send, and a reader waiting on a sender that will never move again would hang.
 */
export class ReadAheadWindow {
  readonly #size: number;
  readonly #lastRowId: () => number;
  readonly #sendingHalted: AbortSignal;
  readonly #readingHalted: AbortSignal;
  #cursor = 0;
  #readerDone = false;
  #senderDone = false;
  #waitingForRows = new Set<() => void>();
  #waitingForRoom = new Set<() => void>();

  constructor(options: {
    /** How far the reader may run ahead of the sender, in rows. */
    readonly size: number;
    /** The id of the last row the reader put in the ledger (0 for none). */
    readonly lastRowId: () => number;
    /** Aborted when sending halts: the reader may read on to the end. */
    readonly sendingHalted: AbortSignal;
    /** Aborted when reading halts: a reader waiting for room is let go, to stop. */
    readonly readingHalted: AbortSignal;
  }) {
    this.#size = options.size;
    this.#lastRowId = options.lastRowId;
    this.#sendingHalted = options.sendingHalted;
    this.#readingHalted = options.readingHalted;
  }

  /** A window for a file whose rows are all in the ledger already: the sender never waits for the reader. */
  static readerAlreadyDone(): ReadAheadWindow {
    const never = new AbortController().signal;
    const window = new ReadAheadWindow({
      size: 0,
      lastRowId: () => 0,
      sendingHalted: never,
      readingHalted: never,
    });
    window.readerDone();
    return window;
  }

  /** The id of the last row the sender has taken (or passed over). */
  get cursor(): number {
    return this.#cursor;
  }

  get isReaderDone(): boolean {
    return this.#readerDone;
  }

  // The reader's side.

  /** The reader put rows in the ledger. */
  rowsAdded(): void {
    wakeAll(this.#waitingForRows);
  }

  /** The reader has put every row it will put in the ledger (to the end, or it halted or failed). */
  readerDone(): void {
    this.#readerDone = true;
    wakeAll(this.#waitingForRows);
  }

  /** Resolves when the reader may read on: it is less than `size` rows ahead, or it has no reason to wait. */
  async roomToRead(): Promise<void> {
    while (!this.#hasRoom() && !this.#readingHalted.aborted) {
      await new Promise<void>((resolve) => this.#waitingForRoom.add(resolve));
    }
  }

  // The sender's side.

  /** The sender has taken (or passed over) the rows up to `rowId`. */
  moveCursor(rowId: number): void {
    this.#cursor = rowId;
    // A waiting reader looks again: there may be room now, or reading may have halted meanwhile.
    wakeAll(this.#waitingForRoom);
  }

  /** Resolves when the reader has added rows or is done; at once when it is done already. */
  rowsToSend(): Promise<void> {
    if (this.#readerDone) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waitingForRows.add(resolve));
  }

  /** The sender takes no more rows of this file in this run. */
  senderDone(): void {
    this.#senderDone = true;
    wakeAll(this.#waitingForRoom);
  }

  #hasRoom(): boolean {
    return this.#senderDone || this.#sendingHalted.aborted || this.#lastRowId() - this.#cursor < this.#size;
  }
}

function wakeAll(waiting: Set<() => void>): void {
  const woken = [...waiting];
  waiting.clear();
  for (const wake of woken) wake();
}
