// A new ledger gets every table and index at once; opening it again changes nothing; the restore's table for
// inputs a backup does not know is the schema's own.

import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/ledger/migrations.ts';
import { createSchema, MAYBE_SENT_INPUTS_TABLE } from '../../src/ledger/schema.ts';

const names = (db: DatabaseSync, type: 'table' | 'index') =>
  db
    .prepare('SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE ? ORDER BY name')
    .all(type, 'sqlite_%')
    .map((row) => row.name);
const columns = (db: DatabaseSync, table: string) =>
  db
    .prepare(`PRAGMA table_info(${table})`)
    .all()
    .map((row) => row.name);

describe('createSchema', () => {
  it('makes the tables, the indexes, every migrated column and the schema version of a new ledger', () => {
    const db = new DatabaseSync(':memory:');
    createSchema(db);
    expect(names(db, 'table')).toEqual(['files', 'maybe_sent_inputs', 'meta', 'rows']);
    expect(names(db, 'index')).toEqual([
      'files_by_status',
      'rows_by_file',
      'rows_by_plate',
      'rows_file_plate',
      'rows_open_by_plate',
    ]);
    for (const { table, column } of MIGRATIONS) expect(columns(db, table)).toContain(column);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '1' });
    db.close();
  });

  it('is safe to run on every open: a second run keeps the data and adds nothing', () => {
    const db = new DatabaseSync(':memory:');
    createSchema(db);
    db.prepare("INSERT INTO meta (key, value) VALUES ('salt', 'x')").run();
    const before = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all();
    createSchema(db);
    expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all()).toEqual(before);
    expect(db.prepare('SELECT count(*) AS n FROM meta').get()).toEqual({ n: 2 });
    db.close();
  });

  it('accepts a ledger the restore has already given maybe_sent_inputs (an older backup)', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(MAYBE_SENT_INPUTS_TABLE);
    db.prepare('INSERT INTO maybe_sent_inputs (sha256) VALUES (?)').run('abc');
    createSchema(db);
    expect(db.prepare('SELECT sha256 FROM maybe_sent_inputs').all()).toEqual([{ sha256: 'abc' }]);
    db.close();
  });
});
