// The ledger's one transaction helper, which every part of the ledger writes through: plain transactions, and
// the few that must survive a power cut as well as a crash. Kept apart so that the parts share one "am I in a
// transaction" flag: a part called inside another part's transaction joins it instead of nesting.

import type { DatabaseSync } from 'node:sqlite';

export class Transactions {
  readonly #db: DatabaseSync;
  #inTransaction = false;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Runs `work` in one transaction (nested calls join the outer one). */
  run<T>(work: () => T): T {
    if (this.#inTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    this.#inTransaction = true;
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite has rolled back by itself after some errors (a full disk): a second ROLLBACK would throw "no
      // transaction is active" and hide the error that says what is wrong.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  /**
   * Runs `work` as one transaction that is on disk when it returns, power loss included (synchronous=FULL
   * for it alone). For the two writes the outside world acts on next: a file's record before the file leaves
   * the inbox, and the `sending` mark before a request goes out. Everything else may lose its last commits to
   * a power cut (NORMAL), which the next run makes good: a row without its outcome is sent again.
   */
  durably<T>(work: () => T): T {
    if (this.#inTransaction) return work();
    this.#db.exec('PRAGMA synchronous = FULL');
    try {
      return this.run(work);
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
  }
}

let isoAt = 0;
let iso = '';
/** The time as ISO text, formatted once a millisecond: every row write stamps it. */
export const nowIso = (): string => {
  const at = Date.now();
  if (at !== isoAt) {
    isoAt = at;
    iso = new Date(at).toISOString();
  }
  return iso;
};
