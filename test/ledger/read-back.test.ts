// What the reports, `history` and the run's summary read back: counts, rows by status, a plate's history, and
// the rows later runs will still send.

import { describe, expect, it } from 'vitest';
import type { RowOutcome } from '../../src/domain/outcome.ts';
import { personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();
const OK: RowOutcome = { kind: 'ok', entity: { kjennemerke: 'CU10001' }, alreadySo: true, attempts: 2 };
const MERKNADER = [{ kode: 'KJORETOY_FINNES_IKKE', beskrivelse: 'Kjøretøyet finnes ikke' }];
const STOPPED: RowOutcome = { kind: 'stopped', merknader: MERKNADER, attempts: 1 };
const FAILED: RowOutcome = {
  kind: 'failed',
  status: 503,
  code: 'HTTP_503',
  message: 'nede',
  maybeReached: true,
  attempts: 3,
};

/** A file with one row of each kind: ok, stopped, failed, pending, sending, invalid, skipped (hidden). */
async function fileOfEveryKind(name = 'alle.csv', owner = ''): Promise<number> {
  const id = temp.addFile(name, owner);
  for (let n = 2; n <= 6; n++)
    temp.ledger.addValidRow(id, n, personRequest('OPPRETTE', `CU1000${n}`), [`r${n}`]);
  temp.ledger.addInvalidRow(id, 7, 'X', null, [{ column: 'Kjennemerke', reason: 'mangler' }], ['X']);
  temp.ledger.addHiddenRow(id, 8, 'CU10008', 'OPPRETTE', ['skjult']);
  const [ok, stopped, failed, pending] = temp.ledger.claimQueued(id, 0, 5);
  if (!ok || !stopped || !failed || !pending) throw new Error('five rows expected');
  temp.ledger.release([pending.id]); // row 5 back to pending; row 6 stays sending
  await Promise.all([
    temp.ledger.recordOutcomeBatched(ok.id, OK),
    temp.ledger.recordOutcomeBatched(stopped.id, STOPPED),
    temp.ledger.recordOutcomeBatched(failed.id, FAILED),
  ]);
  return id;
}

describe('read back', () => {
  it('counts each status, with rows without an outcome as failed and pending', async () => {
    const id = await fileOfEveryKind();
    expect(temp.ledger.counts(id)).toEqual({
      rows: 7,
      ok: 1,
      stopped: 1,
      failed: 3,
      pending: 2,
      invalid: 1,
      skipped: 1,
      superseded: 0,
    });
    expect(temp.ledger.hiddenCount(id)).toBe(1);
  });

  it('counts zero for a file without rows', () => {
    expect(temp.ledger.counts(temp.addFile('tom.csv'))).toMatchObject({ rows: 0, failed: 0, pending: 0 });
  });

  it('reads each outcome back with its fields, in row order', async () => {
    const id = await fileOfEveryKind();
    const rows = [...temp.ledger.rowsWithStatus(id, ['invalid', 'failed', 'stopped', 'ok'])];
    expect(rows.map((row) => [row.rowNumber, row.status])).toEqual([
      [2, 'ok'],
      [3, 'stopped'],
      [4, 'failed'],
      [7, 'invalid'],
    ]);
    const [ok, stopped, failed, invalid] = rows;
    expect(ok).toMatchObject({
      answer: { kjennemerke: 'CU10001' },
      alreadySo: true,
      attempts: 2,
      httpStatus: 200,
    });
    expect(stopped).toMatchObject({ merknader: MERKNADER, httpStatus: 200, answer: null });
    expect(failed).toMatchObject({
      httpStatus: 503,
      errorCode: 'HTTP_503',
      errorMessage: 'nede',
      maybeSent: true,
    });
    expect(invalid).toMatchObject({
      handling: null,
      problems: [{ column: 'Kjennemerke', reason: 'mangler' }],
    });
    expect(ok?.cells).toEqual(['r2']);
  });

  it('says why a hidden row was skipped', async () => {
    const id = await fileOfEveryKind();
    expect([...temp.ledger.rowsWithStatus(id, ['skipped'])]).toEqual([
      expect.objectContaining({
        rowNumber: 8,
        skipReason: 'hidden',
        skippedBecauseOf: null,
        supersededBy: null,
      }),
    ]);
  });

  it('counts rows that used up their runs, and rows later runs still send by owner, leaving unreadable files out', async () => {
    const own = await fileOfEveryKind('egen.csv');
    const delegated = await fileOfEveryKind('delegert.csv', '912345678');
    const unreadable = await fileOfEveryKind('ulesbar.csv', '912345678');
    temp.ledger.setFileStatus(unreadable, 'unreadable', 'ødelagt');
    // Rows 4 (failed, one run), 5 and 6 (no outcome, no run yet).
    expect(temp.ledger.givenUpCount(own, 1)).toBe(1);
    expect(temp.ledger.givenUpCount(own, 0)).toBe(3);
    expect(temp.ledger.waitingRowsByOwner(5, [own, delegated, unreadable, own, 999])).toEqual(
      new Map([
        ['', 3],
        ['912345678', 3],
      ]),
    );
    expect(temp.ledger.waitingRowsByOwner(1, [own])).toEqual(new Map([['', 2]]));
  });

  it('gives a plate’s latest rows oldest first, with their file and owner, and how many it has in all', () => {
    const files = ['jan.csv', 'feb.csv', 'mar.csv'].map((name, n) =>
      temp.addFile(name, n === 2 ? '912345678' : ''),
    );
    for (const id of files) temp.ledger.addValidRow(id, 2, personRequest('OPPRETTE', 'CU20000'), []);
    temp.ledger.addValidRow(files[0] ?? 0, 3, personRequest('OPPRETTE', 'CU20001'), []);
    const latest = temp.ledger.history('CU20000', 2);
    expect(latest.map((row) => [row.file, row.owner])).toEqual([
      ['feb.csv', ''],
      ['mar.csv', '912345678'],
    ]);
    expect(latest.total).toBe(3);
    expect(temp.ledger.history('CU99999')).toEqual(Object.assign([], { total: 0 }));
  });
});
