// A newer file that repeats what an older file of the same owner still holds open: the older rows are closed as
// superseded (status skipped, `superseded_by` naming the newer row), and a newer row of a plate waits for an
// older open row of that plate. "Open" is pending, sending or failed.

import type { DatabaseSync } from 'node:sqlite';
import type { Handling, LeasingtakerId, LeasingtakerRequest } from '../domain/types.ts';
import { flag, HANDLINGS, num, oneOf, ROW_STATUSES, type SqlRow, text } from './row-shape.ts';
import { nowIso } from './transactions.ts';

/** A row a newer row superseded, as a later row of the newer file may take it over. */
export interface SupersededRow {
  readonly id: number;
  readonly handling: Handling;
  readonly identityHash: string;
  readonly maybeSent: boolean;
}

/** An open row (pending, sending or failed) of an older file of the same owner. */
export interface OpenRow {
  readonly id: number;
  readonly fileId: number;
  readonly file: string;
  readonly rowNumber: number;
  readonly maybeSent: boolean;
}

export class Superseding {
  readonly #stmts: ReturnType<typeof prepare>;
  readonly #identityHash: (id: LeasingtakerId) => string;

  constructor(db: DatabaseSync, identityHash: (id: LeasingtakerId) => string) {
    this.#stmts = prepare(db);
    this.#identityHash = identityHash;
  }

  repeatedOpenRow(fileId: number, request: LeasingtakerRequest): OpenRow | undefined {
    const row = this.#stmts.repeatedOpen.get(
      request.kjennemerke,
      fileId,
      fileId,
      request.handling,
      this.#identityHash(request.leasingtakerId),
    );
    return row && toOpenRow(row);
  }

  olderOpenRow(fileId: number, plate: string, maxRuns: number): OpenRow | undefined {
    const row = this.#stmts.olderOpen.get(plate, fileId, maxRuns, fileId);
    return row && toOpenRow(row);
  }

  hasOlderOpenRows(fileId: number, maxRuns: number): boolean {
    return this.#stmts.anyOlderOpen.get(fileId, maxRuns, fileId) !== undefined;
  }

  supersede(
    from: OpenRow,
    byRowId: number,
    plate: string,
    newerFileId: number,
    keep: number,
  ): { files: number[]; after: SupersededRow[] } {
    const args = [plate, newerFileId, from.fileId, from.fileId, from.rowNumber, newerFileId] as const;
    const files = this.#stmts.supersededFiles.all(...args).map((row) => num(row, 'file_id'));
    const after = this.#stmts.supersededRows.all(...args, from.id, keep).map((row) => ({
      id: num(row, 'id'),
      handling: oneOf(row, 'handling', HANDLINGS),
      identityHash: text(row, 'identity_hash'),
      maybeSent: maybeSent(row),
    }));
    this.#stmts.supersede.run(byRowId, nowIso(), ...args);
    // A finished file is unfinished again until its report says what became of these rows: a run killed
    // before writing it leaves the file to the next run, like any file whose report is not out.
    for (const id of files) this.#stmts.reopenSuperseded.run(id);
    return { files, after };
  }

  repoint(rowId: number, byRowId: number): void {
    this.#stmts.repoint.run(byRowId, rowId);
  }
}

/** Left `sending` by a run that died, a row may have reached the API, though not marked so yet. */
function maybeSent(row: SqlRow): boolean {
  return flag(row, 'maybe_sent') || oneOf(row, 'status', ROW_STATUSES) === 'sending';
}

function toOpenRow(row: SqlRow): OpenRow {
  return {
    id: num(row, 'id'),
    fileId: num(row, 'file_id'),
    file: text(row, 'name'),
    rowNumber: num(row, 'row_number'),
    maybeSent: maybeSent(row),
  };
}

/** The rows `supersede` closes, as a WHERE clause: bound to (plate, newer file, from file twice, from row, newer file). */
const SUPERSEDED = `plate = ? AND file_id < ? AND status IN ('pending', 'sending', 'failed')
        AND (file_id > ? OR (file_id = ? AND row_number >= ?))
        AND file_id IN (SELECT id FROM files WHERE owner = (SELECT owner FROM files WHERE id = ?))`;

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    repeatedOpen: p(`SELECT r.id, r.file_id, f.name, r.row_number, r.maybe_sent, r.status FROM rows r
      JOIN files f ON f.id = r.file_id
      WHERE r.plate = ? AND r.file_id < ? AND r.status IN ('pending', 'sending', 'failed')
        AND f.owner = (SELECT owner FROM files WHERE id = ?) AND r.handling = ? AND r.identity_hash = ?
      ORDER BY r.file_id, r.row_number LIMIT 1`),
    olderOpen: p(`SELECT r.id, r.file_id, f.name, r.row_number, r.maybe_sent, r.status FROM rows r
      JOIN files f ON f.id = r.file_id
      WHERE r.plate = ? AND r.file_id < ? AND r.status IN ('pending', 'sending', 'failed') AND r.runs < ?
        AND f.owner = (SELECT owner FROM files WHERE id = ?)
      ORDER BY r.file_id, r.row_number LIMIT 1`),
    // Through the partial index, which holds open rows only: by file, SQLite would walk every older row.
    anyOlderOpen: p(`SELECT 1 FROM rows r INDEXED BY rows_open_by_plate JOIN files f ON f.id = r.file_id
      WHERE r.file_id < ? AND r.status IN ('pending', 'sending', 'failed') AND r.runs < ?
        AND f.owner = (SELECT owner FROM files WHERE id = ?) LIMIT 1`),
    supersededFiles: p(`SELECT DISTINCT file_id FROM rows WHERE ${SUPERSEDED}`),
    // A row still `sending` keeps that it may have reached the API once its status says skipped.
    supersede: p(`UPDATE rows SET status = 'skipped', superseded_by = ?, updated_at = ?,
        maybe_sent = CASE WHEN status = 'sending' THEN 1 ELSE maybe_sent END
      WHERE ${SUPERSEDED}`),
    supersededRows: p(`SELECT id, handling, identity_hash, maybe_sent, status FROM rows
      WHERE ${SUPERSEDED} AND id <> ?
      ORDER BY file_id, row_number LIMIT ?`),
    repoint: p('UPDATE rows SET superseded_by = ? WHERE id = ?'),
    reopenSuperseded: p("UPDATE files SET status = 'sending' WHERE id = ? AND status = 'done'"),
  };
}
