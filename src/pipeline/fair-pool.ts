/**
 * Shares a fixed number of request slots between fleet owners, so that one owner's 50,000-row file does not
 * starve another's 20-row file. Each owner has its own queue; a free slot goes to the next owner in turn that has
 * work waiting, and an owner with weight w gets up to w slots per turn (weighted round-robin). With one owner it
 * is a plain FIFO limiter.
 */
export class FairPool {
  readonly #slots: number;
  readonly #weights: ReadonlyMap<string, number>;
  readonly #queues = new Map<string, (() => void)[]>();
  /** Owners with waiting work, in turn order. */
  #turns: string[] = [];
  /** Slots the owner at the head of `#turns` has used in its current turn. */
  #usedInTurn = 0;
  #active = 0;

  constructor(slots: number, weights: ReadonlyMap<string, number> = new Map()) {
    this.#slots = Math.max(1, slots);
    this.#weights = weights;
  }

  get activeCount(): number {
    return this.#active;
  }

  /** Runs `task` for `owner` when a slot is free and it is the owner's turn. */
  async run<T>(owner: string, task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      let queue = this.#queues.get(owner);
      if (!queue) {
        queue = [];
        this.#queues.set(owner, queue);
      }
      queue.push(resolve);
      if (!this.#turns.includes(owner)) this.#turns.push(owner);
      this.#next();
    });
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#next();
    }
  }

  #next(): void {
    while (this.#active < this.#slots && this.#turns.length > 0) {
      const owner = this.#turns[0] as string;
      const queue = this.#queues.get(owner);
      const start = queue?.shift();
      if (!start) {
        this.#turns.shift();
        this.#usedInTurn = 0;
        continue;
      }
      this.#active += 1;
      this.#usedInTurn += 1;
      if (queue?.length === 0) {
        this.#turns.shift();
        this.#usedInTurn = 0;
      } else if (this.#usedInTurn >= (this.#weights.get(owner) ?? 1)) {
        // The owner's turn is over: to the back of the line.
        this.#turns.push(this.#turns.shift() as string);
        this.#usedInTurn = 0;
      }
      start();
    }
  }
}
