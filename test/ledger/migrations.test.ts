// A ledger made by an earlier version opens with this one: the columns added since are added to it, once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { MIGRATIONS } from '../../src/ledger/migrations.ts';
import { personRequest } from '../support/api-requests.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leasingtaker-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILE = {
  owner: '',
  name: 'flåte.csv',
  path: '/a/flåte.csv',
  format: 'csv',
  sha256: '',
  size: 1,
} as const;

function columnsOfFiles(): string[] {
  const db = new DatabaseSync(join(dir, 'ledger.sqlite'));
  const names = (db.prepare('PRAGMA table_info(files)').all() as { name: string }[]).map((c) => c.name);
  db.close();
  return names;
}

// The files table as the first release made it.
const FIRST_FILES_TABLE = `CREATE TABLE files (
  id INTEGER PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL, headers TEXT NOT NULL DEFAULT '[]',
  header_row INTEGER NOT NULL DEFAULT 1, csv_delimiter TEXT, error TEXT, received_at TEXT NOT NULL,
  started_at TEXT, finished_at TEXT, runs INTEGER NOT NULL DEFAULT 0, purged INTEGER NOT NULL DEFAULT 0)`;

const columnsOf = (db: DatabaseSync, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name);

describe('ledger migrations', () => {
  it('adds retry_report to a ledger that has a file but not the column, keeping the file', () => {
    const first = Ledger.open(dir);
    const id = first.addFile(FILE);
    first.close();
    // The ledger as the first version wrote it.
    const db = new DatabaseSync(join(dir, 'ledger.sqlite'));
    db.exec('ALTER TABLE files DROP COLUMN retry_report');
    db.close();
    expect(columnsOfFiles()).not.toContain('retry_report');

    const reopened = Ledger.open(dir);
    expect(reopened.file(id).name).toBe('flåte.csv');
    expect(reopened.retryReport(id)).toBeNull();
    reopened.setRetryReport(id, '/reports/flåte.csv.2026-12-01T08-05-01.igjen.csv');
    reopened.close();

    // Opening again adds nothing twice and keeps what was stored.
    const again = Ledger.open(dir);
    expect(again.retryReport(id)).toBe('/reports/flåte.csv.2026-12-01T08-05-01.igjen.csv');
    again.close();
    expect(columnsOfFiles().filter((c) => c === 'retry_report')).toHaveLength(1);
  });

  it('opens a ledger of the first release: its files are taken as at rest, new ones are looked at again', () => {
    const state = dir;
    const old = new DatabaseSync(join(state, 'ledger.sqlite'));
    old.exec(FIRST_FILES_TABLE);
    old.exec(`INSERT INTO files (owner, name, path, format, sha256, size, status, received_at)
      VALUES ('', 'gammel.csv', '/archive/gammel.csv', 'csv', 'x', 10, 'done', '2026-01-01T00:00:00Z')`);
    old.close();

    const ledger = Ledger.open(state);
    const fresh = ledger.addFile({
      owner: '',
      name: 'ny.csv',
      path: '/a/ny.csv',
      format: 'csv',
      sha256: 'y',
      size: 1,
    });
    ledger.setFileStatus(fresh, 'done');
    expect(ledger.unsettledFiles().map((file) => file.name)).toEqual(['ny.csv']);
    ledger.close();
    // And again: a second open changes nothing.
    const again = Ledger.open(state);
    expect(again.unsettledFiles().map((file) => file.name)).toEqual(['ny.csv']);
    again.close();
  });

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

  it('opens a ledger from before maybe_sent and superseded_by, and its rows queue as before', () => {
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
});
