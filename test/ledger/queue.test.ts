import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RowOutcome } from '../../src/domain/outcome.ts';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();
let ledger: Ledger;
let observer: DatabaseSync;
let fileId: number;

const OK: RowOutcome = {
  kind: 'ok',
  attempts: 1,
  alreadySo: false,
  entity: {
    kuid: '7000000000001',
    kjennemerke: 'CU10001',
    understellsnummer: 'WVWZZZ1KZAW000001',
    merke: 'VOLKSWAGEN',
    handelsbetegnelse: 'GOLF',
    leasingtakerNavn: 'FIRKANT LEDENDE',
  },
};

function addRows(count: number): void {
  ledger.transaction(() => {
    for (let n = 1; n <= count; n++) {
      const plate = `CU${10000 + n}`;
      ledger.addValidRow(fileId, n + 1, personRequest('OPPRETTE', plate), [plate]);
    }
  });
}

/** Statuses by row number, as another process would read them now. */
function statusesOnDisk(): Map<number, string> {
  const rows = observer.prepare('SELECT row_number, status FROM rows ORDER BY row_number').all() as {
    row_number: number;
    status: string;
  }[];
  return new Map(rows.map((row) => [row.row_number, row.status]));
}

const countOnDisk = (status: string) => [...statusesOnDisk().values()].filter((s) => s === status).length;

beforeEach(() => {
  ledger = temp.ledger;
  fileId = temp.addFile('f.csv');
  observer = new DatabaseSync(join(temp.dir, 'ledger.sqlite'), { readOnly: true });
});

afterEach(() => observer.close());

describe('claimQueued', () => {
  it('marks exactly the claimed rows sending, in file order, and continues after the cursor', () => {
    addRows(10);
    const first = ledger.claimQueued(fileId, 0, 4);
    expect(first.map((row) => row.rowNumber)).toEqual([2, 3, 4, 5]);
    expect(first.every((row) => !row.maybeSentBefore)).toBe(true);
    expect(countOnDisk('sending')).toBe(4);
    const second = ledger.claimQueued(fileId, first.at(-1)?.id ?? 0, 100);
    expect(second.map((row) => row.rowNumber)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(countOnDisk('sending')).toBe(10);
  });

  it('hands rows left sending by a run that died back as maybe sent, and skips rows out of runs', () => {
    addRows(3);
    ledger.claimQueued(fileId, 0, 1);
    ledger.countRunForOpenRows(fileId);
    // Row 2 was sending when the run "died"; rows 3 and 4 pending; all had one run. A limit of 1 run leaves all.
    expect(ledger.claimQueued(fileId, 0, 10, 1)).toEqual([]);
    const again = ledger.claimQueued(fileId, 0, 10, 2);
    expect(again.map((row) => [row.rowNumber, row.maybeSentBefore])).toEqual([
      [2, true],
      [3, false],
      [4, false],
    ]);
  });
});

describe('maybe sent', () => {
  it('stays maybe sent across runs once an attempt may have reached the API, whatever comes after', async () => {
    addRows(3);
    const [a, b, c] = ledger.claimQueued(fileId, 0, 3);
    if (!a || !b || !c) throw new Error('three rows expected');
    // Row a: its reply was lost (may have reached). Row b: refused before reaching. Row c: the run died with
    // it in flight, and the next run leaves it pending behind a failed row of its plate.
    const failed = {
      kind: 'failed',
      code: 'ECONNRESET',
      message: 'x',
      attempts: 1,
    } as const;
    await ledger.recordOutcomeBatched(a.id, { ...failed, maybeReached: true });
    await ledger.recordOutcomeBatched(b.id, { ...failed, maybeReached: false });
    ledger.countRunForOpenRows(fileId);
    ledger.requeueFailed(fileId, 10);
    const second = ledger.claimQueued(fileId, 0, 10);
    expect(second.map((row) => [row.rowNumber, row.maybeSentBefore])).toEqual([
      [2, true],
      [3, false],
      [4, true],
    ]);
    ledger.leavePending(c.id, 'Venter på rad 2, som feilet');
    // The second run's attempts fail before reaching the API: the first run's "maybe" is not forgotten.
    await ledger.recordOutcomeBatched(a.id, { ...failed, maybeReached: false });
    await ledger.recordOutcomeBatched(b.id, OK);
    ledger.requeueFailed(fileId, 10);
    const third = ledger.claimQueued(fileId, 0, 10);
    expect(third.map((row) => [row.rowNumber, row.maybeSentBefore])).toEqual([
      [2, true],
      [4, true],
    ]);
  });
});

describe('recordOutcomeBatched', () => {
  it('commits the outcomes of one turn together, and resolves only once they are on disk', async () => {
    addRows(5);
    const rows = ledger.claimQueued(fileId, 0, 5);
    const committed = rows.map((row) => ledger.recordOutcomeBatched(row.id, OK));
    // Still this turn: nothing is committed yet, a crash now would find the rows sending.
    expect(countOnDisk('sending')).toBe(5);
    await Promise.all(committed);
    expect(countOnDisk('ok')).toBe(5);
    expect(ledger.counts(fileId)).toMatchObject({ ok: 5, pending: 0 });
  });

  it('commits at once when a turn has gathered a full batch', () => {
    addRows(300);
    const rows = ledger.claimQueued(fileId, 0, 300);
    for (const row of rows.slice(0, 256)) void ledger.recordOutcomeBatched(row.id, OK);
    expect(countOnDisk('ok')).toBe(256);
  });

  it('stores each kind of outcome with its fields', async () => {
    addRows(3);
    const [a, b, c] = ledger.claimQueued(fileId, 0, 3);
    if (!a || !b || !c) throw new Error('three rows expected');
    await Promise.all([
      ledger.recordOutcomeBatched(a.id, OK),
      ledger.recordOutcomeBatched(b.id, {
        kind: 'stopped',
        attempts: 1,
        merknader: [{ kode: 'KJORETOY_FINNES_IKKE', beskrivelse: 'Kjøretøyet finnes ikke' }],
      }),
      ledger.recordOutcomeBatched(c.id, {
        kind: 'failed',
        status: 503,
        code: 'HTTP_503',
        message: 'utilgjengelig',
        maybeReached: false,
        attempts: 3,
      }),
    ]);
    expect([...statusesOnDisk().values()]).toEqual(['ok', 'stopped', 'failed']);
    const failed = [...ledger.rowsWithStatus(fileId, ['failed'])];
    expect(failed.map((row) => [row.rowNumber, row.attempts, row.errorCode])).toEqual([[4, 3, 'HTTP_503']]);
  });
});

describe('giving rows back', () => {
  it('releases claimed rows never handed to the API as plain pending rows, not maybe sent', () => {
    addRows(3);
    const [a, b] = ledger.claimQueued(fileId, 0, 2);
    if (!a || !b) throw new Error('two rows expected');
    ledger.release([a.id, b.id]);
    ledger.release([]);
    expect([...statusesOnDisk().values()]).toEqual(['pending', 'pending', 'pending']);
    expect(ledger.claimQueued(fileId, 0, 3).map((row) => row.maybeSentBefore)).toEqual([false, false, false]);
  });

  it('does not release a row that already has its outcome', async () => {
    addRows(1);
    const [a] = ledger.claimQueued(fileId, 0, 1);
    if (!a) throw new Error('a row expected');
    await ledger.recordOutcomeBatched(a.id, OK);
    ledger.release([a.id]);
    expect(statusesOnDisk().get(2)).toBe('ok');
  });

  it('leaves a row pending with the reason a person reads', () => {
    addRows(1);
    const [a] = ledger.claimQueued(fileId, 0, 1);
    if (!a) throw new Error('a row expected');
    ledger.leavePending(a.id, 'Venter på rad 9, som feilet');
    const [row] = [...ledger.rowsWithStatus(fileId, ['pending'])];
    expect(row).toMatchObject({ rowNumber: 2, errorMessage: 'Venter på rad 9, som feilet' });
  });

  it('counts a run for rows without an outcome, and requeues failed rows with runs left', async () => {
    addRows(3);
    const [a, b] = ledger.claimQueued(fileId, 0, 2);
    if (!a || !b) throw new Error('two rows expected');
    await ledger.recordOutcomeBatched(a.id, {
      kind: 'failed',
      code: 'ECONNRESET',
      message: 'x',
      maybeReached: false,
      attempts: 1,
    });
    ledger.countRunForOpenRows(fileId); // b (sending) and row 4 (pending) have had a run; a counted its own
    const runs = [...ledger.rowsWithStatus(fileId, ['failed', 'sending', 'pending'])].map((row) => row.runs);
    expect(runs).toEqual([1, 1, 1]);
    expect(ledger.requeueFailed(fileId, 1)).toBe(0); // out of runs
    expect(ledger.requeueFailed(fileId, 2)).toBe(1);
    expect(statusesOnDisk().get(2)).toBe('pending');
  });
});
