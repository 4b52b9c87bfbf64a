// What a newer file's repeat of an older file's open change closes, in the ledger itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { personRequest } from '../support/api-requests.ts';

let dir: string;
let ledger: Ledger;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-supersede-'));
  ledger = Ledger.open(dir);
});
afterEach(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const addFile = (name: string, owner = '') =>
  ledger.addFile({ owner, name, path: `/a/${name}`, format: 'csv', sha256: name, size: 1 });
const A = '01825200068';
const B = '02825200188';
const aPlus = personRequest('OPPRETTE', 'CU45000', A);
const aMinus = personRequest('AVSLUTTE', 'CU45000', A);
const bPlus = personRequest('OPPRETTE', 'CU45000', B);

it('closes the repeated row and the plate’s open rows after it; keeps those before, and other owners’', () => {
  const march = addFile('mars.csv');
  const other = addFile('annen.csv', '912345678');
  ledger.addValidRow(march, 2, aPlus, []);
  ledger.addValidRow(march, 3, aMinus, []);
  ledger.addValidRow(march, 4, bPlus, []);
  ledger.addValidRow(other, 2, aMinus, []);
  // The run that sent row 3 died with it in flight.
  ledger.claimQueued(march, 0, 2);
  const newer = addFile('mars-2.csv');

  const repeated = ledger.repeatedOpenRow(newer, aMinus);
  expect(repeated).toMatchObject({ file: 'mars.csv', rowNumber: 3, maybeSent: true });
  if (!repeated) throw new Error('a repeat expected');
  const id = ledger.addValidRow(newer, 2, aMinus, []);
  ledger.setFileStatus(march, 'done');
  const closed = ledger.supersede(repeated, id, 'CU45000', newer);
  expect(closed.files).toEqual([march]);
  // The rows after the repeated one, for the newer file's later rows to take over.
  expect(closed.after.map((row) => [row.handling, row.maybeSent])).toEqual([['OPPRETTE', false]]);
  // Unfinished until its report, written again, shows the superseded rows.
  expect(ledger.file(march).status).toBe('sending');
  expect(ledger.unfinishedFiles().map((file) => file.name)).toContain('mars.csv');

  const rows = [...ledger.rowsWithStatus(march, ['pending', 'sending', 'skipped'])];
  expect(
    rows.map((row) => [row.rowNumber, row.status, row.supersededBy?.rowNumber ?? null, row.maybeSent]),
  ).toEqual([
    [2, 'sending', null, false],
    [3, 'skipped', 2, true],
    [4, 'skipped', 2, false],
  ]);
  // Row 2 is still open before them: the newer file's row waits for it. The other owner's row is its own.
  expect(ledger.olderOpenRow(newer, 'CU45000')).toMatchObject({ file: 'mars.csv', rowNumber: 2 });
  expect([...ledger.rowsWithStatus(other, ['pending'])]).toHaveLength(1);
  // Row 2 has used up its runs (2 here): it holds nothing back, and is still there to be superseded.
  ledger.countRunForOpenRows(march);
  expect(ledger.olderOpenRow(newer, 'CU45000', 1)).toBeUndefined();
  expect(ledger.hasOlderOpenRows(newer, 1)).toBe(false);
  expect(ledger.repeatedOpenRow(newer, aPlus)).toMatchObject({ rowNumber: 2 });
});

it('hands over at most `keep` of the closed rows, and a later row of the newer file takes one over', () => {
  const march = addFile('mars.csv');
  for (let n = 2; n <= 5; n++) ledger.addValidRow(march, n, n % 2 === 0 ? aPlus : aMinus, []);
  const newer = addFile('mars-2.csv');
  const repeated = ledger.repeatedOpenRow(newer, aPlus);
  if (!repeated) throw new Error('a repeat expected');
  const first = ledger.addValidRow(newer, 2, aPlus, []);
  const closed = ledger.supersede(repeated, first, 'CU45000', newer, 2);
  expect(closed.after.map((row) => row.handling)).toEqual(['AVSLUTTE', 'OPPRETTE']);
  expect(closed.after.every((row) => row.identityHash === ledger.identityHash(aPlus.leasingtakerId))).toBe(
    true,
  );
  const later = ledger.addValidRow(newer, 3, aMinus, []);
  const [takenOver] = closed.after;
  if (!takenOver) throw new Error('a closed row expected');
  ledger.repoint(takenOver.id, later);
  expect(
    [...ledger.rowsWithStatus(march, ['skipped'])].map((row) => [row.rowNumber, row.supersededBy?.rowNumber]),
  ).toEqual([
    [2, 2],
    [3, 3],
    [4, 2],
    [5, 2],
  ]);
  expect(ledger.counts(march)).toMatchObject({ skipped: 4, superseded: 4 });
  // Closed rows are not open any more: nothing older holds the newer file back.
  expect(ledger.hasOlderOpenRows(newer)).toBe(false);
});
