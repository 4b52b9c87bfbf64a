// Schema changes since the first release. Installations already have a ledger file, so a new column is never
// only in the CREATE TABLE: it is added here, and every open adds what an older ledger lacks. Append entries;
// never edit or reorder one that has shipped.

import type { DatabaseSync } from 'node:sqlite';

interface AddedColumn {
  readonly table: 'files' | 'rows';
  readonly column: string;
  /** The column definition after its name; SQLite's ADD COLUMN allows no UNIQUE or PRIMARY KEY here. */
  readonly definition: string;
}

export const MIGRATIONS: readonly AddedColumn[] = [
  // Issue 14: why a row was skipped when it is not "the same change went through before": 'hidden' (a row
  // hidden in Excel). NULL for the other skipped rows.
  { table: 'rows', column: 'skip_reason', definition: 'TEXT' },
  // Issue 14: where in the file the table was found, as JSON (FileLayout: sheet, sheets passed over, rows above
  // the header), for the report's Oppsummering.
  { table: 'files', column: 'layout', definition: 'TEXT' },
];

/** Adds the columns an older ledger lacks. Idempotent; checks `PRAGMA table_info` before each. */
export function migrate(db: DatabaseSync): void {
  for (const { table, column, definition } of MIGRATIONS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (columns.some((existing) => existing.name === column)) continue;
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
}
