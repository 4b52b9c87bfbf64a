// The queue the worker pool draws from: claiming rows to send (marked `sending` before any goes out), recording
// their outcomes a turn of the event loop at a time, and giving back what was claimed and not sent. A row that may
// have reached the API stays "maybe sent" from then on, so that its resend's "already so" counts as done.

import type { DatabaseSync } from 'node:sqlite';
import type { RowOutcome } from '../domain/outcome.ts';
import type { LeasingtakerRequest } from '../domain/types.ts';
import { flag, num, oneOf, ROW_STATUSES, text } from './row-shape.ts';
import { nowIso, type Transactions } from './transactions.ts';

/** A row read from the queue, ready to send. */
export interface QueuedRow {
  readonly id: number;
  readonly rowNumber: number;
  readonly plate: string;
  readonly request: LeasingtakerRequest;
  /** Handed to the API before and never answered (a crash or kill): the request may have reached the register. */
  readonly maybeSentBefore: boolean;
}

/** Outcomes committed in one transaction at most: a bound on how long one commit holds the event loop. */
export const OUTCOME_BATCH_MAX = 256;

export class Queue {
  readonly #tx: Transactions;
  readonly #stmts: ReturnType<typeof prepare>;
  /** Outcomes waiting for the end of this turn of the event loop, see `recordOutcomeBatched`. */
  #outcomes: { rowId: number; outcome: RowOutcome }[] = [];
  #outcomesCommitted: PromiseWithResolvers<void> | undefined;

  constructor(db: DatabaseSync, tx: Transactions) {
    this.#tx = tx;
    this.#stmts = prepare(db);
  }

  /** Durably: the `sending` mark must be on disk before a request goes out. */
  claim(fileId: number, afterId: number, limit: number, maxRuns: number): QueuedRow[] {
    return this.#tx.durably(() => {
      const rows = this.#stmts.queued.all(fileId, afterId, maxRuns, limit).map((row) => ({
        id: num(row, 'id'),
        rowNumber: num(row, 'row_number'),
        plate: text(row, 'plate'),
        request: JSON.parse(text(row, 'request')) as LeasingtakerRequest,
        maybeSentBefore: oneOf(row, 'status', ROW_STATUSES) === 'sending' || flag(row, 'maybe_sent'),
      }));
      const last = rows.at(-1);
      if (last) {
        // A row still `sending` was left so by a run that died: it stays maybe sent, whatever becomes of it now
        // (held behind a failed row and left pending, say).
        this.#stmts.markMaybeSentRange.run(fileId, afterId, last.id, maxRuns);
        this.#stmts.markSendingRange.run(nowIso(), fileId, afterId, last.id, maxRuns);
      }
      return rows;
    });
  }

  /** See `Ledger.recordOutcomeBatched`. */
  recordOutcomeBatched(rowId: number, outcome: RowOutcome): Promise<void> {
    this.#outcomes.push({ rowId, outcome });
    if (!this.#outcomesCommitted) {
      this.#outcomesCommitted = Promise.withResolvers<void>();
      setImmediate(() => this.#commitOutcomes());
    }
    const { promise } = this.#outcomesCommitted;
    if (this.#outcomes.length >= OUTCOME_BATCH_MAX) this.#commitOutcomes();
    return promise;
  }

  #commitOutcomes(): void {
    const committed = this.#outcomesCommitted;
    if (!committed) return;
    const outcomes = this.#outcomes;
    this.#outcomes = [];
    this.#outcomesCommitted = undefined;
    try {
      this.#tx.run(() => {
        for (const { rowId, outcome } of outcomes) this.#recordOutcome(rowId, outcome);
      });
      committed.resolve();
    } catch (error) {
      committed.reject(error);
    }
  }

  #recordOutcome(rowId: number, outcome: RowOutcome): void {
    const record = this.#stmts.recordOutcome;
    const at = nowIso();
    switch (outcome.kind) {
      case 'ok':
        // merknader of an "already so" stop are not kept: the row is ok, and its answer says so.
        record.run(
          'ok',
          outcome.attempts,
          200,
          null,
          null,
          JSON.stringify(outcome.entity),
          outcome.alreadySo ? 1 : 0,
          null,
          at,
          rowId,
        );
        return;
      case 'stopped':
        record.run(
          'stopped',
          outcome.attempts,
          200,
          null,
          null,
          null,
          0,
          JSON.stringify(outcome.merknader),
          at,
          rowId,
        );
        return;
      case 'failed':
        record.run(
          'failed',
          outcome.attempts,
          outcome.status ?? null,
          outcome.code,
          outcome.message,
          null,
          0,
          null,
          at,
          rowId,
        );
        if (outcome.maybeReached) this.#stmts.markMaybeSent.run(rowId);
        return;
    }
  }

  markMaybeSent(rowId: number): void {
    this.#stmts.markMaybeSent.run(rowId);
  }

  release(rowIds: readonly number[]): void {
    if (rowIds.length === 0) return;
    this.#tx.run(() => {
      for (const id of rowIds) this.#stmts.release.run(id);
    });
  }

  leavePending(rowId: number, reason: string): void {
    this.#stmts.leavePending.run(reason, nowIso(), rowId);
  }

  countRunForOpenRows(fileId: number): void {
    this.#stmts.countRun.run(fileId);
  }

  requeueFailed(fileId: number, maxRuns: number): number {
    return Number(this.#stmts.requeueFailed.run(nowIso(), fileId, maxRuns).changes);
  }
}

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    queued: p(`SELECT id, row_number, plate, request, status, maybe_sent FROM rows
      WHERE file_id = ? AND id > ? AND status IN ('pending', 'sending') AND runs < ? ORDER BY id LIMIT ?`),
    markSendingRange: p(`UPDATE rows SET status = 'sending', updated_at = ?
      WHERE file_id = ? AND id > ? AND id <= ? AND status = 'pending' AND runs < ?`),
    markMaybeSentRange: p(`UPDATE rows SET maybe_sent = 1
      WHERE file_id = ? AND id > ? AND id <= ? AND status = 'sending' AND runs < ?`),
    markMaybeSent: p('UPDATE rows SET maybe_sent = 1 WHERE id = ?'),
    recordOutcome: p(`UPDATE rows SET status = ?, attempts = attempts + ?, runs = runs + 1, http_status = ?,
      error_code = ?, error_message = ?, answer = ?, already_so = ?, merknader = ?, updated_at = ? WHERE id = ?`),
    release: p("UPDATE rows SET status = 'pending' WHERE id = ? AND status = 'sending'"),
    leavePending: p("UPDATE rows SET status = 'pending', error_message = ?, updated_at = ? WHERE id = ?"),
    countRun: p("UPDATE rows SET runs = runs + 1 WHERE file_id = ? AND status IN ('pending', 'sending')"),
    requeueFailed: p(`UPDATE rows SET status = 'pending', updated_at = ?
      WHERE file_id = ? AND status = 'failed' AND runs < ?`),
  };
}
