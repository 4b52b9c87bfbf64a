// Recording the rows the reader takes from a file, and what the reader asks while it goes.

import { describe, expect, it } from 'vitest';
import { organisationRequest, personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();
const plus = personRequest('OPPRETTE', 'CU10001');
const minus = personRequest('AVSLUTTE', 'CU10001');

describe('intake', () => {
  it('knows how far the reader got: 0 for an empty file, then the newest row id and highest row number', () => {
    const id = temp.addFile('a.csv');
    expect([temp.ledger.lastRowId(id), temp.ledger.lastRowNumber(id)]).toEqual([0, 0]);
    const first = temp.ledger.addValidRow(id, 7, plus, ['CU10001']);
    temp.ledger.addInvalidRow(id, 5, 'XX', null, [{ column: 'Kjennemerke', reason: 'ugyldig' }], ['XX']);
    expect(temp.ledger.lastRowId(id)).toBeGreaterThan(first);
    expect(temp.ledger.lastRowNumber(id)).toBe(7);
    expect([temp.ledger.hasRow(id, 5), temp.ledger.hasRow(id, 6), temp.ledger.hasRow(id, 7)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('queues a valid row as pending, or as skipped when an earlier row made the same change', () => {
    const id = temp.addFile('a.csv');
    const earlier = temp.ledger.addValidRow(id, 2, plus, []);
    temp.ledger.addValidRow(id, 3, plus, [], earlier);
    expect(temp.ledger.counts(id)).toMatchObject({ rows: 2, pending: 1, skipped: 1 });
    const [skipped] = [...temp.ledger.rowsWithStatus(id, ['skipped'])];
    expect(skipped?.skippedBecauseOf).toMatchObject({ file: 'a.csv', rowNumber: 2 });
  });

  it('keeps the first recording of a row number (a file read again after a crash)', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.addValidRow(id, 2, plus, ['first']);
    temp.ledger.addValidRow(id, 2, minus, ['second']);
    temp.ledger.addHiddenRow(id, 2, 'CU10001', 'AVSLUTTE', ['hidden']);
    expect([...temp.ledger.rowsWithStatus(id, ['pending', 'skipped'])].map((row) => row.cells)).toEqual([
      ['first'],
    ]);
  });

  it('finds the previous accepted row of a plate in the file; invalid and hidden rows never count', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.addValidRow(id, 2, plus, []);
    temp.ledger.addInvalidRow(id, 3, 'CU10001', 'AVSLUTTE', [], []);
    temp.ledger.addHiddenRow(id, 4, 'CU10001', 'AVSLUTTE', []);
    temp.ledger.addValidRow(id, 6, minus, []);
    expect(temp.ledger.previousRowForPlate(id, 'CU10001', 5)).toEqual({ rowNumber: 2, request: plus });
    expect(temp.ledger.previousRowForPlate(id, 'CU10001', 7)).toEqual({ rowNumber: 6, request: minus });
    expect(temp.ledger.previousRowForPlate(id, 'CU10001', 2)).toBeUndefined();
    expect(temp.ledger.hiddenCount(id)).toBe(1);
  });

  it('finds the latest success of a plate in another file of the same owner only', () => {
    const older = temp.addFile('eldre.csv');
    const otherOwner = temp.addFile('annen.csv', '912345678');
    const current = temp.addFile('ny.csv');
    const byOrg = organisationRequest('OPPRETTE', 'CU10001', '912345678');
    const mine = temp.ledger.addValidRow(older, 2, plus, []);
    temp.ledger.addValidRow(otherOwner, 2, byOrg, []);
    const [own, theirs] = [
      ...temp.ledger.claimQueued(older, 0, 5),
      ...temp.ledger.claimQueued(otherOwner, 0, 5),
    ];
    if (!own || !theirs) throw new Error('two rows expected');
    expect(temp.ledger.latestSuccessElsewhere('', 'CU10001', current)).toBeUndefined(); // not ok yet
    return Promise.all([
      temp.ledger.recordOutcomeBatched(own.id, { kind: 'ok', entity: {}, alreadySo: false, attempts: 1 }),
      temp.ledger.recordOutcomeBatched(theirs.id, { kind: 'ok', entity: {}, alreadySo: false, attempts: 1 }),
    ]).then(() => {
      expect(temp.ledger.latestSuccessElsewhere('', 'CU10001', current)).toEqual({
        rowId: mine,
        handling: 'OPPRETTE',
        identityHash: temp.ledger.identityHash(plus.leasingtakerId),
      });
      // Never the file itself.
      expect(temp.ledger.latestSuccessElsewhere('', 'CU10001', older)).toBeUndefined();
    });
  });

  it('records the rows of a file whose bytes a restored backup did not know as maybe sent', () => {
    temp.ledger.rememberMaybeSentInput('bytes-of-b');
    const a = temp.addFile('a.csv', '', { sha256: 'bytes-of-a' });
    const b = temp.addFile('b.csv', '', { sha256: 'bytes-of-b' });
    temp.ledger.addValidRow(a, 2, plus, []);
    temp.ledger.addValidRow(b, 2, plus, []);
    expect(temp.ledger.claimQueued(a, 0, 5).map((row) => row.maybeSentBefore)).toEqual([false]);
    expect(temp.ledger.claimQueued(b, 0, 5).map((row) => row.maybeSentBefore)).toEqual([true]);
  });
});
