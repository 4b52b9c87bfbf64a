// The read-ahead window on its own: the reader's room, the sender's wait for rows, and every way a wait ends.

import { describe, expect, it } from 'vitest';
import { ReadAheadWindow } from '../../src/job/read-ahead.ts';

/** A window over a reader that has put `rows.last` rows in the ledger, with controllers for both halts. */
function windowOf(size: number) {
  const rows = { last: 0 };
  const sending = new AbortController();
  const reading = new AbortController();
  const window = new ReadAheadWindow({
    size,
    lastRowId: () => rows.last,
    sendingHalted: sending.signal,
    readingHalted: reading.signal,
  });
  return { window, rows, sending, reading };
}

/** Whether `promise` has settled once pending callbacks and timers of this turn have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ReadAheadWindow', () => {
  it('lets the reader read on while it is less than `size` rows ahead of the cursor', async () => {
    const { window, rows } = windowOf(10);
    rows.last = 9;
    expect(await settled(window.roomToRead())).toBe(true);
  });

  it('holds the reader `size` rows ahead until the sender moves the cursor far enough', async () => {
    const { window, rows } = windowOf(10);
    rows.last = 25;
    const room = window.roomToRead();
    window.moveCursor(10);
    expect(await settled(room)).toBe(false);
    window.moveCursor(16);
    expect(await settled(room)).toBe(true);
    expect(window.cursor).toBe(16);
  });

  it('lets a waiting reader go when sending halts: the rows go to the ledger for the next run', async () => {
    const { window, rows, sending } = windowOf(10);
    rows.last = 50;
    const room = window.roomToRead();
    expect(await settled(room)).toBe(false);
    sending.abort('the breaker opened');
    // The halt alone does not wake the reader; the sender ending on it does, and then there is room.
    window.senderDone();
    expect(await settled(room)).toBe(true);
    expect(await settled(window.roomToRead())).toBe(true);
  });

  it('lets a waiting reader go when reading halts (SIGTERM), at the next move of the cursor', async () => {
    const { window, rows, reading } = windowOf(10);
    rows.last = 50;
    const room = window.roomToRead();
    reading.abort('SIGTERM');
    window.moveCursor(1);
    expect(await settled(room)).toBe(true);
  });

  it('never leaves the reader waiting on a sender that ended on an error, far behind', async () => {
    const { window, rows } = windowOf(10);
    rows.last = 50;
    const room = window.roomToRead();
    window.senderDone();
    expect(await settled(room)).toBe(true);
  });

  it('wakes the sender when the reader adds rows, and when it is done', async () => {
    const { window } = windowOf(10);
    const first = window.rowsToSend();
    expect(await settled(first)).toBe(false);
    window.rowsAdded();
    expect(await settled(first)).toBe(true);
    const second = window.rowsToSend();
    expect(window.isReaderDone).toBe(false);
    window.readerDone();
    expect(await settled(second)).toBe(true);
    expect(window.isReaderDone).toBe(true);
    // Once the reader is done, the sender never waits for rows again.
    expect(await settled(window.rowsToSend())).toBe(true);
  });

  it('gives a file whose rows are all in the ledger a window the sender never waits on', async () => {
    const window = ReadAheadWindow.readerAlreadyDone();
    expect(window.isReaderDone).toBe(true);
    expect(await settled(window.rowsToSend())).toBe(true);
  });
});
