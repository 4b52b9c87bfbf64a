// A ledger made by an earlier version opens: the columns added since are added, its rows keep what they had.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { personRequest } from '../api/request-fixture.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('opens a ledger from before maybe_sent and superseded_by, and its rows queue as before', () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-migrate-'));
  const first = Ledger.open(dir);
  const fileId = first.addFile({
    owner: '',
    name: 'f.csv',
    path: '/a/f.csv',
    format: 'csv',
    sha256: 'x',
    size: 1,
  });
  first.addValidRow(fileId, 2, personRequest('OPPRETTE', 'CU10001'), ['CU10001']);
  first.close();
  // Back to the first release's rows table, with a row left `sending` by a run that died.
  const db = new DatabaseSync(join(dir, 'ledger.sqlite'));
  db.exec('ALTER TABLE rows DROP COLUMN maybe_sent');
  db.exec('ALTER TABLE rows DROP COLUMN superseded_by');
  db.exec("UPDATE rows SET status = 'sending'");
  db.close();

  const reopened = Ledger.open(dir);
  try {
    expect(reopened.claimQueued(fileId, 0, 10).map((row) => [row.rowNumber, row.maybeSentBefore])).toEqual([
      [2, true],
    ]);
  } finally {
    reopened.close();
  }
  const check = new DatabaseSync(join(dir, 'ledger.sqlite'), { readOnly: true });
  const columns = (check.prepare('PRAGMA table_info(rows)').all() as { name: string }[]).map((c) => c.name);
  check.close();
  expect(columns).toEqual(expect.arrayContaining(['maybe_sent', 'superseded_by']));
});
