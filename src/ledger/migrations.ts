// Schema changes since the first ledger. Installations already have a ledger file, and `CREATE TABLE IF NOT
// EXISTS` leaves an existing table as it is: every column added later is listed here, and added to a ledger
// that lacks it when the ledger is opened. New entries go at the END of the list, one line each, with why.

import type { DatabaseSync } from 'node:sqlite';

interface AddedColumn {
  readonly table: 'files' | 'rows';
  readonly column: string;
  /** The column's type and default, as in `ALTER TABLE … ADD COLUMN <column> <definition>`. */
  readonly definition: string;
}

// ---- migrations: append below ----
const ADDED_COLUMNS: readonly AddedColumn[] = [
  // The retry file the file's latest report set holds, so the next set can mark it superseded (issue 14.4).
  { table: 'files', column: 'retry_report', definition: 'TEXT' },
];
// ---- end of migrations ----

/**
 * Adds every listed column a ledger lacks. In one immediate transaction: two processes opening an old ledger
 * at once (a run and `history`) can't both add the same column.
 */
export function migrate(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const { table, column, definition } of ADDED_COLUMNS) {
      const existing = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!existing.some((c) => c.name === column)) {
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
