import type { RowOutcome } from '../domain/outcome.ts';
import type { Ledger, QueuedRow } from '../ledger/ledger.ts';
import type { SendLane } from './row-sender.ts';
import { SettledRows } from './settled-rows.ts';

/** The sender's side of the read-ahead window (read-ahead.ts): where the reader is, and how far the rows go. */
export interface RowsFromReader {
  readonly isReaderDone: boolean;
  /** Resolves when the reader has added rows or is done. */
  rowsToSend(): Promise<void>;
  /** The rows up to `rowId` are taken (or passed over): the reader may read further ahead. */
  moveCursor(rowId: number): void;
}

export interface DispatchOptions {
  readonly ledger: Ledger;
  readonly fileId: number;
  /** The owner's way to the API: a slot of the run's pool, the sender, and the lane's halt. */
  readonly lane: SendLane;
  /** LEASINGTAKER_MAX_RUNS: rows that have had this many runs are not sent again. Default no limit. */
  readonly maxRuns?: number;
  /** Where the reader is: how far the rows go, and whether more will come. */
  readonly window: RowsFromReader;
  /** Called after each row's outcome is recorded. */
  readonly onRowDone: (outcome: RowOutcome['kind']) => void;
  /** Told each time every row numbered below `below` has its outcome for this run (settled-rows.ts). */
  readonly onSettled?: (below: number) => void;
}

/** After a halt, how long requests already sent get to finish (below the grace periods of `watch` and Kubernetes). */
export const IN_FLIGHT_GRACE_MS = 10_000;

/**
 * Sends the file's queued rows with at most `concurrency` requests in flight. Rows of one plate go one at a
 * time in file order (an OPPRETTE and an AVSLUTTE of the same vehicle must not race); different plates run in
 * parallel. A row that fails technically holds back the later rows of its plate, which stay pending with the
 * reason, so the next run sends them in order.
 */
export async function dispatchRows(options: DispatchOptions): Promise<void> {
  const { ledger, fileId, lane, window } = options;
  // This file's sending scope. A halt of the lane (SIGTERM, the breaker, the owner refused) starts no new
  // request, but lets those in flight finish and be recorded for up to IN_FLIGHT_GRACE_MS: an answer in hand
  // beats a "maybe sent" row next run; only then are they cut off. An error no row can survive cuts them off at
  // once, every worker's and not just the one that met it, with the error as the reason.
  const cutOff = new AbortController();
  const inFlight = cutOff.signal;
  let failure: FatalSendError | undefined;
  const halted = AbortSignal.any([lane.halted, inFlight]);
  let cutOffTimer: NodeJS.Timeout | undefined;
  // Removed when this file's dispatch ends: a halt that comes later (another file's full disk, SIGTERM) must
  // not start a timer that keeps the process up for the grace period with nothing in flight.
  const onHalt = () => {
    cutOffTimer = setTimeout(() => cutOff.abort(lane.halted.reason), IN_FLIGHT_GRACE_MS);
  };
  lane.halted.addEventListener('abort', onHalt, { once: true });
  const slots = lane.pool.slots;
  // Each claim is one commit on disk (synchronous=FULL): claim enough rows that it stays off the hot path.
  const claimSize = Math.max(slots * 4, 256);
  /** Plates with a row in flight, and the rows of the same plate waiting behind it. */
  const waiting = new Map<string, QueuedRow[]>();
  /** How many rows `waiting` holds in all: claimed, in memory, and not handed to the pool yet. */
  let waitingRows = 0;
  /** Plates held back in this run (a row failed, or an older file holds one open), with the reason. */
  const held = new Map<string, string>();
  // An older file of the same owner that still holds open rows (left for a retry later in this run or the next)
  // holds back this file's rows of the same plates: a change must not overtake an earlier one of its vehicle.
  // Asked once here, so files without such an older file pay nothing per row.
  const olderFilesOpen = ledger.hasOlderOpenRows(fileId, options.maxRuns);
  const heldBack = (plate: string): string | undefined => {
    const reason = held.get(plate);
    if (reason !== undefined || !olderFilesOpen) return reason;
    const older = ledger.olderOpenRow(fileId, plate, options.maxRuns);
    if (!older) return undefined;
    const waits = `Venter på ${older.file}, rad ${older.rowNumber}, som ikke er gjennom ennå`;
    held.set(plate, waits);
    return waits;
  };
  /** This file's rows handed to the pool (waiting for a slot or in flight) and not recorded yet. */
  const running = new Set<Promise<void>>();
  /** Claimed from the queue (marked `sending`) but not handed to the API yet. */
  const unsent = new Set<number>();
  const settled = new SettledRows();
  let cursor = 0;
  let wake: (() => void) | undefined;
  // Claimed rows held at most: a few batches, however the rows spread over plates. The rows handed to the pool
  // alone are not the measure: in a file of one plate every claimed row but one waits behind its plate, and
  // counting only the pool claimed the whole file into memory (a million rows: out of heap).
  const maxClaimed = claimSize * 4;
  const roomForMore = () => running.size < slots * 2 && running.size + waitingRows + claimSize <= maxClaimed;

  const start = (row: QueuedRow): void => {
    const task = sendOne(row)
      .catch((error: unknown) => {
        // The first such error is what this dispatch throws at the end, even one met after the grace period.
        failure ??= new FatalSendError(error);
        cutOff.abort(failure);
      })
      .then(() => {
        running.delete(task);
        if (settled.done(row.rowNumber)) options.onSettled?.(settled.below);
        const queue = waiting.get(row.plate);
        const next = halted.aborted ? undefined : queue?.shift();
        if (next) {
          waitingRows -= 1;
          start(next);
        } else {
          // After a halt the rows still waiting are dropped here; unsent ones go back to pending below.
          waitingRows -= queue?.length ?? 0;
          waiting.delete(row.plate);
        }
        wake?.();
      });
    running.add(task);
  };

  const sendOne = async (row: QueuedRow): Promise<void> => {
    const heldBy = heldBack(row.plate);
    if (heldBy !== undefined) {
      unsent.delete(row.id);
      ledger.leavePending(row.id, heldBy);
      return;
    }
    // The slot is held until the outcome is committed, not only while the request is out: a kill then finds
    // at most the pool's slots of rows without their outcome (ledger.recordOutcomeBatched).
    const outcome = await lane.pool.run(lane.owner, async () => {
      // Halted while it waited for its slot: it stays unsent.
      if (halted.aborted) return undefined;
      unsent.delete(row.id);
      let answered: RowOutcome;
      try {
        answered = await lane.sender.send(row.request, {
          maybeSentBefore: row.maybeSentBefore,
          signal: inFlight,
        });
      } catch (error) {
        // The request may be out; the row stays `sending` so the next run treats it as maybe sent.
        if (halted.aborted) return undefined;
        throw error;
      }
      await ledger.recordOutcomeBatched(row.id, answered);
      return answered;
    });
    if (!outcome) return;
    if (outcome.kind === 'failed') held.set(row.plate, `Venter på rad ${row.rowNumber}, som feilet`);
    options.onRowDone(outcome.kind);
  };

  const wait = (extra?: Promise<void>) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      extra?.then(resolve, resolve);
      if (halted.aborted) resolve();
    }).finally(() => {
      wake = undefined;
    });
  halted.addEventListener('abort', () => wake?.(), { once: true });

  while (!halted.aborted) {
    if (!roomForMore()) {
      await wait();
      continue;
    }
    const readerWasDone = window.isReaderDone;
    const batch = ledger.claimQueued(fileId, cursor, claimSize, options.maxRuns);
    if (batch.length === 0) {
      // Rows the reader recorded without queueing them (invalid, skipped) are passed as well: the reader waits
      // while it is far ahead of this cursor, and nothing would ever move it past thousands of such rows.
      const passed = ledger.lastRowId(fileId);
      if (passed > cursor) {
        cursor = passed;
        window.moveCursor(cursor);
      }
      if (readerWasDone && running.size === 0) break;
      await wait(readerWasDone ? undefined : window.rowsToSend());
      continue;
    }
    window.moveCursor(batch[batch.length - 1]?.id ?? cursor);
    for (const row of batch) {
      cursor = row.id;
      settled.claimed(row.rowNumber);
      if (!row.maybeSentBefore) unsent.add(row.id);
      const queue = waiting.get(row.plate);
      if (queue) {
        queue.push(row);
        waitingRows += 1;
      } else {
        waiting.set(row.plate, []);
        start(row);
      }
    }
  }
  // Let what is in flight finish and be recorded; nothing new starts.
  while (running.size > 0) await Promise.all(running);
  lane.halted.removeEventListener('abort', onHalt);
  clearTimeout(cutOffTimer);
  // Rows claimed but never sent go back to plain pending: they can't have reached the API.
  ledger.release([...unsent]);
  if (failure) throw failure.error;
}

/** The reason this file's sending was cut off when a row met an error no row can survive. */
class FatalSendError {
  readonly error: unknown;

  constructor(error: unknown) {
    this.error = error;
  }
}
