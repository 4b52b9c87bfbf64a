// Schema changes after the first release. Installations already have a ledger: each column added here is
// added to an existing one with a guarded ALTER TABLE (only when PRAGMA table_info lacks it), and its `fillIn`
// statements run once, in the same transaction, right after it is added. Append new entries at the end.

import type { DatabaseSync } from 'node:sqlite';

interface AddedColumn {
  readonly table: string;
  readonly column: string;
  /** The column's type and default, as in CREATE TABLE. */
  readonly definition: string;
  /** Statements run once when the column is added to an existing ledger (to fill it in for old rows). */
  readonly fillIn?: readonly string[];
}

// ---- MIGRATIONS: one entry per added column, in the order they were added ----
const MIGRATIONS: readonly AddedColumn[] = [
  // Growth of a file after it was taken (issue 13.1): what the last read of the archived file saw, whether it
  // held back a last line without a line end, and whether the file is at rest (unchanged long enough that it
  // is not looked at again). Files recorded before this were read once and are taken as at rest.
  { table: 'files', column: 'read_size', definition: 'INTEGER' },
  { table: 'files', column: 'read_mtime_ms', definition: 'REAL' },
  { table: 'files', column: 'tail_held', definition: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'files', column: 'grew', definition: 'INTEGER NOT NULL DEFAULT 0' },
  {
    table: 'files',
    column: 'at_rest',
    definition: 'INTEGER NOT NULL DEFAULT 0',
    fillIn: ['UPDATE files SET at_rest = 1'],
  },
];
// ---- end of MIGRATIONS ----

/** Adds what an older ledger lacks. Safe to run on every open: a column present is left alone. */
export function migrate(db: DatabaseSync): void {
  const columnsOf = new Map<string, Set<string>>();
  const has = (table: string, column: string): boolean => {
    let columns = columnsOf.get(table);
    if (!columns) {
      const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      columns = new Set(info.map((row) => row.name));
      columnsOf.set(table, columns);
    }
    return columns.has(column);
  };
  for (const migration of MIGRATIONS) {
    if (has(migration.table, migration.column)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(`ALTER TABLE ${migration.table} ADD COLUMN ${migration.column} ${migration.definition}`);
      for (const statement of migration.fillIn ?? []) db.exec(statement);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    columnsOf.get(migration.table)?.add(migration.column);
  }
}
