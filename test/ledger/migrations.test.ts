// An installation's ledger made before a column was added must open, keep its rows, and gain the column.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { MIGRATIONS } from '../../src/ledger/migrations.ts';
import { personRequest } from '../api/request-fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leasingtaker-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const columnsOf = (db: DatabaseSync, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name);

describe('ledger migrations', () => {
  it('opens a ledger from before the added columns, keeps its rows and adds the columns once', () => {
    const first = Ledger.open(dir);
    const fileId = first.addFile({
      owner: '',
      name: 'mars.csv',
      path: '/a/mars.csv',
      format: 'csv',
      sha256: '',
      size: 1,
    });
    first.addValidRow(fileId, 2, personRequest('OPPRETTE', 'CU10001'), ['CU10001']);
    first.close();
    // As the first release left it: without the columns the migrations add.
    const old = new DatabaseSync(join(dir, 'ledger.sqlite'));
    for (const { table, column } of MIGRATIONS) old.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    expect(columnsOf(old, 'rows')).not.toContain('skip_reason');
    old.close();

    for (let open = 0; open < 2; open++) {
      const ledger = Ledger.open(dir);
      expect(ledger.counts(fileId)).toMatchObject({ rows: 1, pending: 1 });
      expect(ledger.file(fileId).layout).toBeUndefined();
      ledger.close();
    }
    const check = new DatabaseSync(join(dir, 'ledger.sqlite'));
    for (const { table, column } of MIGRATIONS) expect(columnsOf(check, table)).toContain(column);
    check.close();

    const ledger = Ledger.open(dir);
    ledger.addHiddenRow(fileId, 3, 'CU10002', 'OPPRETTE', ['CU10002']);
    ledger.setFileLayout(fileId, { sheet: 'Biler', rowsAbove: [{ rowNumber: 1, text: 'Tittel' }] });
    expect(ledger.hiddenCount(fileId)).toBe(1);
    expect(
      [...ledger.rowsWithStatus(fileId, ['skipped'])].map((row) => [row.rowNumber, row.skipReason]),
    ).toEqual([[3, 'hidden']]);
    expect(ledger.file(fileId).layout).toEqual({
      sheet: 'Biler',
      rowsAbove: [{ rowNumber: 1, text: 'Tittel' }],
    });
    ledger.close();
  });

  it('never queues a hidden row and never takes it as an earlier row of its plate', () => {
    const ledger = Ledger.open(dir);
    const fileId = ledger.addFile({
      owner: '',
      name: 'a.xlsx',
      path: '/a/a.xlsx',
      format: 'xlsx',
      sha256: '',
      size: 1,
    });
    ledger.addHiddenRow(fileId, 2, 'CU10001', 'OPPRETTE', ['CU10001']);
    expect(ledger.claimQueued(fileId, 0, 10)).toEqual([]);
    expect(ledger.previousRowForPlate(fileId, 'CU10001', 3)).toBeUndefined();
    ledger.close();
  });
});
