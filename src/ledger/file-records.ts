// The ledger's record of each fleet file: where it is, how far its runs got, its header and layout, and what the
// last read of it saw (for a file that grows after it was taken, see inbox/growth.ts). Rows are elsewhere
// (intake.ts, queue.ts); this part touches the files table only, and `maybe_sent_inputs`, which is about files.

import type { DatabaseSync } from 'node:sqlite';
import {
  FILE_STATUSES,
  FORMATS,
  flag,
  num,
  numOrNull,
  oneOf,
  type SqlRow,
  text,
  textOrNull,
} from './row-shape.ts';
import { nowIso, type Transactions } from './transactions.ts';
import type { FileLayout, FileRecord, FileStatus } from './types.ts';

export interface NewFile {
  readonly owner: string;
  readonly name: string;
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  readonly sha256: string;
  readonly size: number;
}

/** What a read of a file saw, for the next look to compare with. */
export interface FileLook {
  readonly size: number;
  readonly mtimeMs: number;
  /** A last line without a line end was not read as a row. */
  readonly tailHeld: boolean;
}

export class FileRecords {
  readonly #tx: Transactions;
  readonly #stmts: ReturnType<typeof prepare>;

  constructor(db: DatabaseSync, tx: Transactions) {
    this.#tx = tx;
    this.#stmts = prepare(db);
  }

  /** Durably: the record must exist before the file leaves the inbox. */
  add(file: NewFile): number {
    return this.#tx.durably(() => {
      const result = this.#stmts.insert.run(
        file.owner,
        file.name,
        file.path,
        file.format,
        file.sha256,
        file.size,
        'reading',
        nowIso(),
      );
      return Number(result.lastInsertRowid);
    });
  }

  file(id: number): FileRecord {
    const record = this.find(id);
    if (!record) throw new Error(`Ledger has no file ${id}`);
    return record;
  }

  find(id: number): FileRecord | undefined {
    const row = this.#stmts.byId.get(id);
    return row && toFileRecord(row);
  }

  unfinished(): FileRecord[] {
    return this.#stmts.unfinished.all().map(toFileRecord);
  }

  withRetryableRows(maxRuns: number): FileRecord[] {
    return this.#stmts.retryable.all(maxRuns).map(toFileRecord);
  }

  forget(id: number): void {
    this.#stmts.forget.run(id);
  }

  setHeaders(id: number, headers: readonly string[], headerRow: number, csvDelimiter: string | null): void {
    this.#stmts.setHeaders.run(JSON.stringify(headers), headerRow, csvDelimiter, id);
  }

  setLayout(id: number, layout: FileLayout): void {
    this.#stmts.setLayout.run(JSON.stringify(layout), id);
  }

  /** Durably: the path is where the next run looks for the file. */
  setPath(id: number, path: string): void {
    this.#tx.durably(() => this.#stmts.setPath.run(path, id));
  }

  startRun(id: number): void {
    this.#stmts.startRun.run(nowIso(), id);
  }

  setStatus(id: number, status: FileStatus, error: string | null): void {
    const finished = status === 'done' || status === 'unreadable';
    this.#stmts.setStatus.run(status, error, finished ? nowIso() : null, id);
  }

  retryReport(id: number): string | null {
    const row = this.#stmts.byId.get(id);
    return row ? textOrNull(row, 'retry_report') : null;
  }

  setRetryReport(id: number, path: string | null): void {
    this.#stmts.setRetryReport.run(path, id);
  }

  csvDelimiter(id: number): string | null {
    const row = this.#stmts.byId.get(id);
    return row ? textOrNull(row, 'csv_delimiter') : null;
  }

  recordRead(id: number, look: FileLook, grew: boolean): void {
    this.#stmts.recordRead.run(look.size, look.mtimeMs, look.tailHeld ? 1 : 0, grew ? 1 : 0, id);
  }

  look(id: number): FileLook | undefined {
    const row = this.#stmts.byId.get(id);
    return row && toLook(row);
  }

  unsettled(): (FileRecord & { readonly look: FileLook | undefined })[] {
    return this.#stmts.unsettled.all().map((row) => ({ ...toFileRecord(row), look: toLook(row) }));
  }

  reopen(id: number, grew: boolean): void {
    this.#stmts.reopen.run(grew ? 1 : 0, id);
  }

  settle(id: number): void {
    this.#stmts.settle.run(id);
  }

  hasFileAt(path: string): boolean {
    return this.#stmts.atPath.get(path) !== undefined;
  }

  rememberMaybeSentInput(sha256: string): void {
    this.#stmts.rememberMaybeSentInput.run(sha256);
  }
}

/** A `SELECT * FROM files` row as the rest of the job sees it. */
export function toFileRecord(row: SqlRow): FileRecord {
  const layout = textOrNull(row, 'layout');
  return {
    id: num(row, 'id'),
    owner: text(row, 'owner'),
    name: text(row, 'name'),
    path: text(row, 'path'),
    format: oneOf(row, 'format', FORMATS),
    status: oneOf(row, 'status', FILE_STATUSES),
    headers: JSON.parse(text(row, 'headers')) as string[],
    headerRowNumber: num(row, 'header_row'),
    error: textOrNull(row, 'error'),
    receivedAt: text(row, 'received_at'),
    startedAt: textOrNull(row, 'started_at'),
    finishedAt: textOrNull(row, 'finished_at'),
    runs: num(row, 'runs'),
    grew: flag(row, 'grew'),
    ...(layout ? { layout: JSON.parse(layout) as FileLayout } : {}),
  };
}

/** What the last read saw, undefined before the first. */
function toLook(row: SqlRow): FileLook | undefined {
  const size = numOrNull(row, 'read_size');
  const mtimeMs = numOrNull(row, 'read_mtime_ms');
  if (size === null || mtimeMs === null) return undefined;
  return { size, mtimeMs, tailHeld: flag(row, 'tail_held') };
}

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insert: p(`INSERT INTO files (owner, name, path, format, sha256, size, status, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    byId: p('SELECT * FROM files WHERE id = ?'),
    unfinished: p("SELECT * FROM files WHERE status IN ('reading', 'sending') ORDER BY id"),
    retryable: p(`SELECT * FROM files f WHERE f.status = 'done' AND EXISTS (
        SELECT 1 FROM rows r WHERE r.file_id = f.id AND r.status IN ('failed', 'pending', 'sending') AND r.runs < ?
      ) ORDER BY f.id`),
    forget: p('DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM rows WHERE file_id = files.id)'),
    setRetryReport: p('UPDATE files SET retry_report = ? WHERE id = ?'),
    setHeaders: p('UPDATE files SET headers = ?, header_row = ?, csv_delimiter = ? WHERE id = ?'),
    setPath: p('UPDATE files SET path = ? WHERE id = ?'),
    recordRead:
      p(`UPDATE files SET read_size = ?, read_mtime_ms = ?, tail_held = ?, grew = max(grew, ?), at_rest = 0
      WHERE id = ?`),
    unsettled: p(
      "SELECT * FROM files WHERE at_rest = 0 AND status IN ('done', 'unreadable') AND purged = 0 ORDER BY id",
    ),
    reopen: p(
      "UPDATE files SET status = 'reading', error = NULL, grew = max(grew, ?), finished_at = NULL WHERE id = ?",
    ),
    settle: p('UPDATE files SET at_rest = 1 WHERE id = ?'),
    atPath: p('SELECT 1 FROM files WHERE path = ? LIMIT 1'),
    setLayout: p('UPDATE files SET layout = ? WHERE id = ?'),
    startRun: p('UPDATE files SET started_at = ?, runs = runs + 1 WHERE id = ?'),
    setStatus: p(
      'UPDATE files SET status = ?, error = ?, finished_at = coalesce(?, finished_at) WHERE id = ?',
    ),
    rememberMaybeSentInput: p('INSERT OR IGNORE INTO maybe_sent_inputs (sha256) VALUES (?)'),
  };
}
