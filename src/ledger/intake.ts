// Recording the rows the reader takes from a file: a valid row goes in as pending (or skipped when the same
// change went through before), an invalid one with its problems, a hidden one as skipped. And the questions the
// reader asks while it goes: how far it has got, and what came before a row of the same plate.

import type { DatabaseSync } from 'node:sqlite';
import type { Handling, LeasingtakerId, LeasingtakerRequest, RowProblem } from '../domain/types.ts';
import { countOf, HANDLINGS, num, oneOf, text } from './row-shape.ts';
import { nowIso } from './transactions.ts';

/** The last accepted row of the same plate earlier in the same file, for duplicate and conflict checks. */
export interface PreviousRow {
  readonly rowNumber: number;
  readonly request: LeasingtakerRequest;
}

export interface EarlierSuccess {
  readonly rowId: number;
  readonly handling: Handling;
  readonly identityHash: string;
}

export class Intake {
  readonly #stmts: ReturnType<typeof prepare>;
  readonly #identityHash: (id: LeasingtakerId) => string;

  constructor(db: DatabaseSync, identityHash: (id: LeasingtakerId) => string) {
    this.#stmts = prepare(db);
    this.#identityHash = identityHash;
  }

  lastRowId(fileId: number): number {
    return countOf(this.#stmts.lastRowId.get(fileId), 'id');
  }

  lastRowNumber(fileId: number): number {
    return countOf(this.#stmts.lastRowNumber.get(fileId));
  }

  hasRow(fileId: number, rowNumber: number): boolean {
    return this.#stmts.hasRow.get(fileId, rowNumber) !== undefined;
  }

  previousRowForPlate(fileId: number, plate: string, beforeRow: number): PreviousRow | undefined {
    const row = this.#stmts.previousForPlate.get(fileId, plate, beforeRow);
    if (!row) return undefined;
    return {
      rowNumber: num(row, 'row_number'),
      request: JSON.parse(text(row, 'request')) as LeasingtakerRequest,
    };
  }

  latestSuccessElsewhere(owner: string, plate: string, fileId: number): EarlierSuccess | undefined {
    const row = this.#stmts.latestSuccess.get(plate, owner, fileId);
    if (!row) return undefined;
    return {
      rowId: num(row, 'id'),
      handling: oneOf(row, 'handling', HANDLINGS),
      identityHash: text(row, 'identity_hash'),
    };
  }

  addValidRow(
    fileId: number,
    rowNumber: number,
    request: LeasingtakerRequest,
    cells: readonly string[],
    skippedBecauseOf?: number,
  ): number {
    const result = this.#stmts.insertRow.run(
      fileId,
      rowNumber,
      request.kjennemerke,
      request.handling,
      this.#identityHash(request.leasingtakerId),
      JSON.stringify(request),
      JSON.stringify(cells),
      skippedBecauseOf === undefined ? 'pending' : 'skipped',
      null,
      skippedBecauseOf ?? null,
      nowIso(),
    );
    return Number(result.lastInsertRowid);
  }

  addInvalidRow(
    fileId: number,
    rowNumber: number,
    plate: string,
    handling: Handling | null,
    problems: readonly RowProblem[],
    cells: readonly string[],
  ): void {
    this.#stmts.insertRow.run(
      fileId,
      rowNumber,
      plate,
      handling,
      null,
      null,
      JSON.stringify(cells),
      'invalid',
      JSON.stringify(problems),
      null,
      nowIso(),
    );
  }

  addHiddenRow(
    fileId: number,
    rowNumber: number,
    plate: string,
    handling: Handling | null,
    cells: readonly string[],
  ): void {
    this.#stmts.insertHiddenRow.run(fileId, rowNumber, plate, handling, JSON.stringify(cells), nowIso());
  }
}

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    lastRowId: p('SELECT max(id) AS id FROM rows WHERE file_id = ?'),
    hasRow: p('SELECT 1 FROM rows WHERE file_id = ? AND row_number = ?'),
    lastRowNumber: p('SELECT max(row_number) AS n FROM rows WHERE file_id = ?'),
    previousForPlate: p(`SELECT row_number, request FROM rows
      WHERE file_id = ? AND plate = ? AND row_number < ? AND request IS NOT NULL
      ORDER BY row_number DESC LIMIT 1`),
    latestSuccess: p(`SELECT r.id, r.handling, r.identity_hash FROM rows r JOIN files f ON f.id = r.file_id
      WHERE r.plate = ? AND r.status = 'ok' AND f.owner = ? AND r.file_id <> ?
      ORDER BY r.updated_at DESC, r.id DESC LIMIT 1`),
    // A file whose bytes a restored backup did not know may have had rows sent: they start "maybe sent".
    insertRow: p(`INSERT OR IGNORE INTO rows
      (file_id, row_number, plate, handling, identity_hash, request, cells, status, problems, skipped_of, updated_at,
       maybe_sent)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, EXISTS (SELECT 1 FROM maybe_sent_inputs m JOIN files f
        ON f.sha256 = m.sha256 WHERE f.id = ?1))`),
    insertHiddenRow: p(`INSERT OR IGNORE INTO rows
      (file_id, row_number, plate, handling, cells, status, skip_reason, updated_at)
      VALUES (?, ?, ?, ?, ?, 'skipped', 'hidden', ?)`),
  };
}
