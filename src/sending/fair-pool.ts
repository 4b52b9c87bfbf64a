import pLimit, { type LimitFunction } from 'p-limit';
import type { Owner } from '../domain/owner.ts';

/**
 * The run's one limiter of requests: a fixed number of slots (LEASINGTAKER_CONCURRENCY) shared between fleet
 * owners, so that one owner's 50,000-row file does not starve another's 20-row file. p-limit holds the slots;
 * this class only decides whose task a free slot goes to. Each owner has its own queue; a free slot goes to the
 * next owner in turn that has work waiting, and an owner with weight w gets up to w slots per turn (weighted
 * round-robin). With one owner it is a plain FIFO limiter. `beforeStart` (the LEASINGTAKER_MAX_RPS spacing) is
 * awaited in the slot, right before the task.
 */
export class FairPool {
  readonly #limit: LimitFunction;
  readonly #weights: ReadonlyMap<Owner, number>;
  readonly #beforeStart: () => Promise<void>;
  readonly #queues = new Map<Owner, (() => Promise<void>)[]>();
  /** Owners with waiting work, in turn order. */
  #turns: Owner[] = [];
  /** Slots the owner at the head of `#turns` has used in its current turn. */
  #usedInTurn = 0;

  constructor(
    slots: number,
    weights: ReadonlyMap<Owner, number> = new Map(),
    beforeStart: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.#limit = pLimit(Math.max(1, slots));
    this.#weights = weights;
    this.#beforeStart = beforeStart;
  }

  /** How many tasks may run at once. */
  get slots(): number {
    return this.#limit.concurrency;
  }

  get activeCount(): number {
    return this.#limit.activeCount;
  }

  /** Runs `task` for `owner` when a slot is free and it is the owner's turn. */
  run<T>(owner: Owner, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let queue = this.#queues.get(owner);
      if (!queue) {
        queue = [];
        this.#queues.set(owner, queue);
      }
      queue.push(async () => {
        try {
          await this.#beforeStart();
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      });
      if (!this.#turns.includes(owner)) this.#turns.push(owner);
      // One p-limit job per task, so there is always a task for a job to take. A slot free now goes to the
      // next in turn at once (p-limit counts it taken at once too); one freed later is given when p-limit
      // starts the job, so the turn is decided when the slot is free, not when the task was queued.
      const chosenNow = this.#limit.activeCount < this.#limit.concurrency ? this.#nextInTurn() : undefined;
      void this.#limit(chosenNow ?? (() => (this.#nextInTurn() as () => Promise<void>)()));
    });
  }

  #nextInTurn(): (() => Promise<void>) | undefined {
    while (this.#turns.length > 0) {
      const owner = this.#turns[0] as Owner;
      const queue = this.#queues.get(owner);
      const next = queue?.shift();
      if (!next) {
        this.#turns.shift();
        this.#usedInTurn = 0;
        continue;
      }
      this.#usedInTurn += 1;
      if (queue?.length === 0) {
        this.#turns.shift();
        this.#usedInTurn = 0;
      } else if (this.#usedInTurn >= (this.#weights.get(owner) ?? 1)) {
        // The owner's turn is over: to the back of the line.
        this.#turns.push(this.#turns.shift() as Owner);
        this.#usedInTurn = 0;
      }
      return next;
    }
    return undefined;
  }
}
