// The ledger's tables and indexes as a new ledger gets them, and the opening of a ledger of any age: create what
// is missing, then add the columns of later releases (src/ledger/migrations.ts holds that list, the one place a
// schema change is appended to). A table added later belongs here, created with IF NOT EXISTS.

import type { DatabaseSync } from 'node:sqlite';
import { migrate } from './migrations.ts';

const SCHEMA_VERSION = 1;

/**
 * Inputs a killed run took that a restored older backup does not know (see commands/ledger.ts): dropped again,
 * their rows may have gone out in that run, so they are "maybe sent" from the start. Exported for the restore,
 * which adds it to a backup older than the table.
 */
export const MAYBE_SENT_INPUTS_TABLE =
  'CREATE TABLE IF NOT EXISTS maybe_sent_inputs (sha256 TEXT PRIMARY KEY);';

// One table of files and one of rows. Personal data (the request, the input cells, the API's answer) sits in
// the rows table only, in columns that retention can blank while the counts survive.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  status TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '[]',
  header_row INTEGER NOT NULL DEFAULT 1,
  csv_delimiter TEXT,
  error TEXT,
  received_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  runs INTEGER NOT NULL DEFAULT 0,
  purged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS files_by_status ON files(status);
CREATE TABLE IF NOT EXISTS rows (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES files(id),
  row_number INTEGER NOT NULL,
  plate TEXT NOT NULL,
  handling TEXT,
  identity_hash TEXT,
  request TEXT,
  cells TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  runs INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  error_code TEXT,
  error_message TEXT,
  answer TEXT,
  already_so INTEGER NOT NULL DEFAULT 0,
  merknader TEXT,
  problems TEXT,
  skipped_of INTEGER,
  updated_at TEXT NOT NULL,
  UNIQUE (file_id, row_number)
);
CREATE INDEX IF NOT EXISTS rows_by_plate ON rows(plate, id);
CREATE INDEX IF NOT EXISTS rows_file_plate ON rows(file_id, plate, row_number);
-- The queue (rows of a file after a cursor, by id) and the reader's lead (max id of a file): without it both scan
-- every row of the file, which made a 1,000,000-row file slower with every claim.
CREATE INDEX IF NOT EXISTS rows_by_file ON rows(file_id, id);
-- Open rows of a plate in files older than one: what a newer file's row supersedes or waits for. Partial, so a
-- plate's million done rows are not in it; the queries repeat its WHERE to use it.
CREATE INDEX IF NOT EXISTS rows_open_by_plate ON rows(plate, file_id, row_number)
  WHERE status IN ('pending', 'sending', 'failed');
${MAYBE_SENT_INPUTS_TABLE}
`;

/** Brings a ledger of any age (or an empty file) to the current schema. Safe on every open. */
export function createSchema(db: DatabaseSync): void {
  db.exec(SCHEMA);
  migrate(db);
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
}
