// Schema changes after the first release. Installations already have a ledger, and `CREATE TABLE IF NOT EXISTS`
// leaves an existing table as it is: each column added later is listed here and added to a ledger that lacks
// it when the ledger is opened, with its `fillIn` statements run once, in the same transaction, right after it
// is added. Append new entries at the end, with why.

import type { DatabaseSync } from 'node:sqlite';

interface AddedColumn {
  readonly table: 'files' | 'rows';
  readonly column: string;
  /** The column's type and default, as in `ALTER TABLE … ADD COLUMN <column> <definition>`. */
  readonly definition: string;
  /** Statements run once when the column is added to an existing ledger (to fill it in for old rows). */
  readonly fillIn?: readonly string[];
}

// ---- MIGRATIONS: one entry per added column, in the order they were added ----
export const MIGRATIONS: readonly AddedColumn[] = [
  // The retry file the file's latest report set holds, so the next set can mark it superseded (issue 14.4).
  { table: 'files', column: 'retry_report', definition: 'TEXT' },
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
  // Issue 14: why a row was skipped when it is not "the same change went through before": 'hidden' (a row
  // hidden in Excel). NULL for the other skipped rows.
  { table: 'rows', column: 'skip_reason', definition: 'TEXT' },
  // Issue 14: where in the file the table was found, as JSON (FileLayout: sheet, sheets passed over, rows above
  // the header), for the report's Oppsummering.
  { table: 'files', column: 'layout', definition: 'TEXT' },
  // A row that may have reached the API (a lost reply, a 5xx, a kill while in flight) stays "maybe sent" in
  // every later run, so that its resend's "already so" merknad counts as done (issue 13.2).
  { table: 'rows', column: 'maybe_sent', definition: 'INTEGER NOT NULL DEFAULT 0' },
  // A row closed because a newer file repeats its change: the id of that newer row (issue 13.5).
  { table: 'rows', column: 'superseded_by', definition: 'INTEGER' },
];
// ---- end of MIGRATIONS ----

/**
 * Adds what an older ledger lacks; safe on every open, a column present is left alone. Each column is looked
 * for inside an immediate transaction: two processes opening an old ledger at once (a run and `history`)
 * can't both add it.
 */
export function migrate(db: DatabaseSync): void {
  const has = (table: string, column: string): boolean =>
    db
      .prepare(`PRAGMA table_info(${table})`)
      .all()
      .some((row) => row.name === column);
  for (const migration of MIGRATIONS) {
    if (has(migration.table, migration.column)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (!has(migration.table, migration.column)) {
        db.exec(`ALTER TABLE ${migration.table} ADD COLUMN ${migration.column} ${migration.definition}`);
        for (const statement of migration.fillIn ?? []) db.exec(statement);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
