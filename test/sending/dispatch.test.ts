// dispatchRows on its own: a ledger in a temp folder, and an in-process RowSender (our own interface) that
// answers when the test says so. What goes to the API, in which order, and what the ledger holds after.

import { beforeEach, describe, expect, it } from 'vitest';
import type { RowOutcome } from '../../src/domain/outcome.ts';
import type { LeasingtakerRequest } from '../../src/domain/types.ts';
import { ReadAheadWindow } from '../../src/job/read-ahead.ts';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { dispatchRows } from '../../src/sending/dispatch.ts';
import { FairPool } from '../../src/sending/fair-pool.ts';
import type { RowSender } from '../../src/sending/row-sender.ts';
import { personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();
let ledger: Ledger;
let fileId: number;

beforeEach(() => {
  ledger = temp.ledger;
  fileId = temp.addFile('f.csv');
});

/** Adds one valid row per plate given, numbered from row 2 on after the rows already there. */
function addRows(plates: readonly string[]): void {
  ledger.transaction(() => {
    const from = ledger.lastRowNumber(fileId) || 1;
    plates.forEach((plate, i) => {
      ledger.addValidRow(fileId, from + i + 1, personRequest('OPPRETTE', plate), [plate]);
    });
  });
}

const FAILED: RowOutcome = {
  kind: 'failed',
  status: 503,
  code: 'HTTP_503',
  message: 'down',
  maybeReached: false,
  attempts: 1,
};
const STOPPED: RowOutcome = { kind: 'stopped', merknader: [], attempts: 1 };

/** A sender whose every request waits until the test answers it; it counts what is in flight. */
class FakeSender implements RowSender {
  readonly sent: string[] = [];
  inFlight = 0;
  mostInFlight = 0;
  readonly #waiting: { plate: string; answer: (outcome: RowOutcome | Error) => void }[] = [];
  /** Answers a plate's request at once with what it returns; undefined: the request waits for the test. */
  #answerAtOnce: ((plate: string) => RowOutcome | Error | undefined) | undefined;

  constructor(answerAtOnce?: (plate: string) => RowOutcome | Error | undefined) {
    this.#answerAtOnce = answerAtOnce;
  }

  send(request: LeasingtakerRequest, options: { signal: AbortSignal }): Promise<RowOutcome> {
    this.sent.push(request.kjennemerke);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    return new Promise<RowOutcome>((resolve, reject) => {
      const answer = (outcome: RowOutcome | Error) => {
        this.inFlight -= 1;
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      options.signal.addEventListener('abort', () => answer(new Error('cut off')), { once: true });
      const now = this.#answerAtOnce?.(request.kjennemerke);
      if (now) setImmediate(() => answer(now));
      else this.#waiting.push({ plate: request.kjennemerke, answer });
    });
  }

  /** Answers the requests waiting now with `outcome`; how many there were. */
  answerAll(outcome: RowOutcome = STOPPED): number {
    const waiting = this.#waiting.splice(0);
    for (const request of waiting) request.answer(outcome);
    return waiting.length;
  }
}

function lane(sender: RowSender, slots: number, halted = new AbortController().signal) {
  return { owner: '', pool: new FairPool(slots), sender, halted };
}

const statuses = () =>
  [...ledger.rowsWithStatus(fileId, ['pending', 'sending', 'ok', 'stopped', 'failed'])].map(
    (row) => `${row.rowNumber}:${row.status}`,
  );

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('dispatchRows', () => {
  it('sends every queued row once, with at most the pool\u2019s slots in flight', async () => {
    addRows(Array.from({ length: 40 }, (_, i) => `CU${10001 + i}`));
    const sender = new FakeSender(() => STOPPED);
    const done: string[] = [];
    await dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 3),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: (kind) => done.push(kind),
    });
    expect(sender.sent).toHaveLength(40);
    expect(new Set(sender.sent).size).toBe(40);
    expect(sender.mostInFlight).toBe(3);
    expect(done.filter((kind) => kind === 'stopped')).toHaveLength(40);
    expect(statuses().every((status) => status.endsWith(':stopped'))).toBe(true);
  });

  it('sends the rows of one plate one at a time, in file order', async () => {
    addRows(['CU10001', 'CU10002', 'CU10001', 'CU10001', 'CU10002']);
    const order: number[] = [];
    let inFlightForCu10001 = 0;
    let most = 0;
    const sender: RowSender = {
      async send(request) {
        if (request.kjennemerke === 'CU10001') most = Math.max(most, ++inFlightForCu10001);
        await tick();
        if (request.kjennemerke === 'CU10001') inFlightForCu10001 -= 1;
        order.push(request.kjennemerke === 'CU10001' ? 1 : 2);
        return STOPPED;
      },
    };
    await dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 4),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: () => {},
    });
    expect(most).toBe(1);
    expect(order.filter((plate) => plate === 1)).toHaveLength(3);
    expect(statuses()).toEqual(['2:stopped', '3:stopped', '4:stopped', '5:stopped', '6:stopped']);
  });

  it('holds a slot until the outcome is committed: a kill finds no more rows without one than the slots', async () => {
    addRows(['CU10001', 'CU10002', 'CU10003']);
    const recordedWhenSent: number[] = [];
    const sender: RowSender = {
      async send() {
        recordedWhenSent.push(statuses().filter((status) => status.endsWith(':stopped')).length);
        return STOPPED;
      },
    };
    await dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 1),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: () => {},
    });
    // With one slot, each request starts only once the one before it is on disk.
    expect(recordedWhenSent).toEqual([0, 1, 2]);
  });

  it('tells how far the rows have their outcome: never past a row in flight, all on disk below the line', async () => {
    addRows(['CU10001', 'CU10002', 'CU10003', 'CU10001', 'CU10004']);
    // Row 2 (CU10001) waits for the test; the others answer at once. Row 5 waits behind row 2, its plate's.
    const sender = new FakeSender((plate) => (plate === 'CU10001' ? undefined : STOPPED));
    const lines: number[] = [];
    const openBelowLine: string[] = [];
    const dispatch = dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 3),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: () => {},
      onSettled: (below) => {
        lines.push(below);
        const open = statuses().filter((status) => /:(pending|sending)$/.test(status));
        openBelowLine.push(...open.filter((status) => Number(status.split(':')[0]) < below));
      },
    });
    while (sender.inFlight < 1 || statuses().filter((s) => s.endsWith(':stopped')).length < 3) await tick();
    expect(lines).toEqual([]);
    expect(sender.answerAll()).toBe(1);
    while (sender.inFlight < 1) await tick();
    expect(lines).toEqual([5]);
    sender.answerAll();
    await dispatch;
    expect(lines).toEqual([5, 7]);
    expect(openBelowLine).toEqual([]);
  });

  it('holds back the later rows of a plate whose row failed, pending with the reason', async () => {
    addRows(['CU10001', 'CU10001', 'CU10002']);
    const sender = new FakeSender((plate) => (plate === 'CU10001' ? FAILED : STOPPED));
    await dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 2),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: () => {},
    });
    expect(sender.sent).toEqual(['CU10001', 'CU10002']);
    const rows = [...ledger.rowsWithStatus(fileId, ['pending', 'failed', 'stopped'])];
    expect(rows.map((row) => `${row.rowNumber}:${row.status}`)).toEqual([
      '2:failed',
      '3:pending',
      '4:stopped',
    ]);
    expect(rows[1]?.errorMessage).toBe('Venter på rad 2, som feilet');
  });

  it('starts nothing new after a halt, records what was in flight, and puts unsent rows back to pending', async () => {
    addRows(Array.from({ length: 10 }, (_, i) => `CU${10001 + i}`));
    const sender = new FakeSender();
    const halt = new AbortController();
    const dispatch = dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 2, halt.signal),
      window: ReadAheadWindow.readerAlreadyDone(),
      onRowDone: () => {},
    });
    while (sender.inFlight < 2) await tick();
    halt.abort('the breaker opened');
    // The answers already asked for still count: they are recorded, not cut off (within the grace period).
    expect(sender.answerAll()).toBe(2);
    await dispatch;
    expect(sender.sent).toHaveLength(2);
    const after = statuses();
    expect(after.filter((status) => status.endsWith(':stopped'))).toHaveLength(2);
    expect(after.filter((status) => status.endsWith(':pending'))).toHaveLength(8);
    // Pending, not `sending`: they never reached the API, so the next run does not treat them as maybe sent.
    const claimed = ledger.claimQueued(fileId, 0, 100);
    expect(claimed.every((row) => !row.maybeSentBefore)).toBe(true);
  });

  it('cuts every request off on an error no row can survive, and throws it', async () => {
    addRows(['CU10001', 'CU10002', 'CU10003']);
    let calls = 0;
    const sender = new FakeSender();
    const failing: RowSender = {
      send(request, options) {
        calls += 1;
        if (request.kjennemerke === 'CU10003') return Promise.reject(new Error('disk on fire'));
        return sender.send(request, options);
      },
    };
    await expect(
      dispatchRows({
        ledger,
        fileId,
        lane: lane(failing, 3),
        window: ReadAheadWindow.readerAlreadyDone(),
        onRowDone: () => {},
      }),
    ).rejects.toThrow('disk on fire');
    expect(calls).toBe(3);
    // The two others were cut off at once, not left to run: none is waiting for an answer now.
    expect(sender.inFlight).toBe(0);
  });

  it('waits for the reader while it is not done, sends what it adds, and ends when it is done', async () => {
    const halted = new AbortController().signal;
    const window = new ReadAheadWindow({
      size: 100,
      lastRowId: () => ledger.lastRowId(fileId),
      sendingHalted: halted,
      readingHalted: halted,
    });
    const sender = new FakeSender(() => STOPPED);
    let ended = false;
    const dispatch = dispatchRows({
      ledger,
      fileId,
      lane: lane(sender, 2),
      window,
      onRowDone: () => {},
    }).then(() => {
      ended = true;
    });
    addRows(['CU10001', 'CU10002']);
    window.rowsAdded();
    while (sender.sent.length < 2) await tick();
    await tick();
    expect(ended).toBe(false);
    expect(window.cursor).toBe(ledger.lastRowId(fileId));
    addRows(['CU10003']);
    window.readerDone();
    await dispatch;
    expect(sender.sent).toEqual(['CU10001', 'CU10002', 'CU10003']);
  });
});
