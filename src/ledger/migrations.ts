import type { DatabaseSync } from 'node:sqlite';

/**
 * What the schema gained after the first installations, so that a ledger created before opens as well as a new
 * one: SQLite has no `ADD COLUMN IF NOT EXISTS`, so each column is added once, when `PRAGMA table_info` lacks it.
 * New ledgers are made by `SCHEMA` and then take the same steps. One entry per change, appended at the end; a
 * column added this way needs a default (SQLite fills existing rows with it).
 */
const ADDED_COLUMNS: readonly {
  readonly table: string;
  readonly column: string;
  readonly definition: string;
}[] = [
  // A row that may have reached the API (a lost reply, a 5xx, a kill while in flight) stays "maybe sent" in
  // every later run, so that its resend's "already so" merknad counts as done (issue 13.2).
  { table: 'rows', column: 'maybe_sent', definition: 'INTEGER NOT NULL DEFAULT 0' },
  // A row closed because a newer file repeats its change: the id of that newer row (issue 13.5).
  { table: 'rows', column: 'superseded_by', definition: 'INTEGER' },
];

/** Indexes over added columns, created after them. */
const ADDED_INDEXES: readonly string[] = [];

export function migrate(db: DatabaseSync): void {
  const columnsOf = new Map<string, Set<string>>();
  for (const { table, column, definition } of ADDED_COLUMNS) {
    let columns = columnsOf.get(table);
    if (!columns) {
      const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      columns = new Set(info.map((row) => row.name));
      columnsOf.set(table, columns);
    }
    if (columns.has(column)) continue;
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    columns.add(column);
  }
  for (const sql of ADDED_INDEXES) db.exec(sql);
}
