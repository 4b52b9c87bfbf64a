import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';

// The files table as the first release made it.
const FIRST_FILES_TABLE = `CREATE TABLE files (
  id INTEGER PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL, headers TEXT NOT NULL DEFAULT '[]',
  header_row INTEGER NOT NULL DEFAULT 1, csv_delimiter TEXT, error TEXT, received_at TEXT NOT NULL,
  started_at TEXT, finished_at TEXT, runs INTEGER NOT NULL DEFAULT 0, purged INTEGER NOT NULL DEFAULT 0)`;

describe('ledger migrations', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('opens a ledger of the first release: its files are taken as at rest, new ones are looked at again', () => {
    const state = mkdtempSync(join(tmpdir(), 'leasingtaker-migrate-'));
    dirs.push(state);
    mkdirSync(state, { recursive: true });
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
});
