import pLimit from 'p-limit';
import type { RowOutcome } from '../domain/outcome.ts';
import type { LeasingtakerRequest } from '../domain/types.ts';
import type { Ledger, QueuedRow } from '../ledger/ledger.ts';

/** What the worker pool needs of the API client. */
export interface RowSender {
  send(
    request: LeasingtakerRequest,
    options: { readonly maybeSentBefore: boolean; readonly signal: AbortSignal },
  ): Promise<RowOutcome>;
}

export interface DispatchOptions {
  readonly ledger: Ledger;
  readonly fileId: number;
  readonly sender: RowSender;
  readonly concurrency: number;
  /** LEASINGTAKER_MAX_RUNS: rows that have had this many runs are not sent again. Default no limit. */
  readonly maxRuns?: number;
  /** Awaited before each request (LEASINGTAKER_MAX_RPS). */
  readonly rateLimit: () => Promise<void>;
  /** Aborted on SIGTERM, on an authentication error, or when the breaker opens: no new request starts. */
  readonly signal: AbortSignal;
  /** Whether the reader has put every row in the ledger. */
  readonly ingestDone: () => boolean;
  /** Resolves when the reader has added rows (or finished). */
  readonly moreRows: () => Promise<void>;
  /** Called after each row's outcome is recorded. */
  readonly onRowDone: (outcome: RowOutcome['kind']) => void;
  /** Told the id of the last row taken from the queue, so the reader knows how far ahead it is. */
  readonly onCursor: (rowId: number) => void;
}

/** After a stop, how long requests already sent get to finish (below the grace periods of `watch` and Kubernetes). */
export const IN_FLIGHT_GRACE_MS = 10_000;

/**
 * Sends the file's queued rows with at most `concurrency` requests in flight. Rows of one plate go one at a
 * time in file order (an OPPRETTE and an AVSLUTTE of the same vehicle must not race); different plates run in
 * parallel. A row that fails technically holds back the later rows of its plate, which stay pending with the
 * reason, so the next run sends them in order.
 */
export async function dispatchRows(options: DispatchOptions): Promise<void> {
  const { ledger, fileId } = options;
  // An error no row can survive (authentication refused) stops every worker, not just the one that met it.
  const fatal = new AbortController();
  let fatalError: unknown;
  const signal = AbortSignal.any([options.signal, fatal.signal]);
  // A stop (SIGTERM, the breaker) starts no new request, but lets those in flight finish and be recorded for up
  // to IN_FLIGHT_GRACE_MS: an answer in hand beats a "maybe sent" row next run. Only then are they cut off.
  const cutOff = new AbortController();
  let cutOffTimer: NodeJS.Timeout | undefined;
  // Removed when this file's dispatch ends: a stop that comes later (another file's full disk, SIGTERM) must
  // not start a timer that keeps the process up for the grace period with nothing in flight.
  const onStop = () => {
    cutOffTimer = setTimeout(() => cutOff.abort(options.signal.reason), IN_FLIGHT_GRACE_MS);
  };
  options.signal.addEventListener('abort', onStop, { once: true });
  const inFlight = AbortSignal.any([cutOff.signal, fatal.signal]);
  const limit = pLimit(options.concurrency);
  // Each claim is one commit on disk (synchronous=FULL): claim enough rows that it stays off the hot path.
  const claimSize = Math.max(options.concurrency * 4, 256);
  /** Plates with a row in flight, and the rows of the same plate waiting behind it. */
  const waiting = new Map<string, QueuedRow[]>();
  /** How many rows `waiting` holds in all: claimed, in memory, and not in the p-limit queue yet. */
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
  const running = new Set<Promise<void>>();
  /** Claimed from the queue (marked `sending`) but not handed to the API yet. */
  const unsent = new Set<number>();
  let cursor = 0;
  let wake: (() => void) | undefined;
  // Claimed rows held at most: a few batches, however the rows spread over plates. The p-limit queue alone is
  // not the measure: in a file of one plate every claimed row but one waits behind its plate, and counting only
  // the queue claimed the whole file into memory (a million rows: out of heap).
  const maxClaimed = claimSize * 4;
  const roomForMore = () => {
    const inPool = limit.activeCount + limit.pendingCount;
    return inPool < options.concurrency * 2 && inPool + waitingRows + claimSize <= maxClaimed;
  };

  const start = (row: QueuedRow): void => {
    const task = limit(() => sendOne(row))
      .catch((error: unknown) => {
        fatalError ??= error;
        fatal.abort();
      })
      .then(() => {
        running.delete(task);
        const queue = waiting.get(row.plate);
        const next = signal.aborted ? undefined : queue?.shift();
        if (next) {
          waitingRows -= 1;
          start(next);
        } else {
          // After a stop the rows still waiting are dropped here; unsent ones go back to pending below.
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
    if (signal.aborted) return;
    await options.rateLimit();
    if (signal.aborted) return;
    unsent.delete(row.id);
    let outcome: RowOutcome;
    try {
      outcome = await options.sender.send(row.request, {
        maybeSentBefore: row.maybeSentBefore,
        signal: inFlight,
      });
    } catch (error) {
      // The request may be out; the row stays `sending` so the next run treats it as maybe sent.
      if (signal.aborted || inFlight.aborted) return;
      throw error;
    }
    await ledger.recordOutcomeBatched(row.id, outcome);
    if (outcome.kind === 'failed') held.set(row.plate, `Venter på rad ${row.rowNumber}, som feilet`);
    options.onRowDone(outcome.kind);
  };

  const wait = (extra?: Promise<void>) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      extra?.then(resolve, resolve);
      if (signal.aborted) resolve();
    }).finally(() => {
      wake = undefined;
    });
  signal.addEventListener('abort', () => wake?.(), { once: true });

  while (!signal.aborted) {
    if (!roomForMore()) {
      await wait();
      continue;
    }
    const ingestWasDone = options.ingestDone();
    const batch = ledger.claimQueued(fileId, cursor, claimSize, options.maxRuns);
    if (batch.length === 0) {
      // Rows the reader recorded without queueing them (invalid, skipped) are passed as well: the reader waits
      // while it is far ahead of this cursor, and nothing would ever move it past thousands of such rows.
      const passed = ledger.lastRowId(fileId);
      if (passed > cursor) {
        cursor = passed;
        options.onCursor(cursor);
      }
      if (ingestWasDone && running.size === 0) break;
      await wait(ingestWasDone ? undefined : options.moreRows());
      continue;
    }
    options.onCursor(batch[batch.length - 1]?.id ?? cursor);
    for (const row of batch) {
      cursor = row.id;
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
  options.signal.removeEventListener('abort', onStop);
  clearTimeout(cutOffTimer);
  // Rows claimed but never sent go back to plain pending: they can't have reached the API.
  ledger.release([...unsent]);
  if (fatalError !== undefined) throw fatalError;
}
