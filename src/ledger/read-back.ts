// What the reports, `history` and the run's summary read back from the ledger: counts per file, the rows of a
// file by status (lazily: a report of 200,000 rows never holds them all), a plate's history, and the rows later
// runs will still send. Reads only.

import type { DatabaseSync } from 'node:sqlite';
import type { LeasingtakerEntity, Merknad } from '../domain/outcome.ts';
import type { RowProblem } from '../domain/types.ts';
import type { FileRecords } from './file-records.ts';
import {
  countOf,
  flag,
  HANDLINGS,
  num,
  numOrNull,
  oneOf,
  oneOfOrNull,
  ROW_STATUSES,
  type SqlRow,
  text,
  textOrNull,
} from './row-shape.ts';
import type { LedgerRow, OutcomeCounts, RowRange, RowStatus } from './types.ts';

export class ReadBack {
  readonly #db: DatabaseSync;
  readonly #files: FileRecords;
  readonly #stmts: ReturnType<typeof prepare>;

  constructor(db: DatabaseSync, files: FileRecords) {
    this.#db = db;
    this.#files = files;
    this.#stmts = prepare(db);
  }

  counts(fileId: number): OutcomeCounts & { pending: number; superseded: number } {
    const superseded = countOf(this.#stmts.supersededCount.get(fileId));
    const counts = { rows: 0, ok: 0, stopped: 0, failed: 0, invalid: 0, skipped: 0, pending: 0, superseded };
    for (const row of this.#stmts.counts.all(fileId)) {
      const status = oneOf(row, 'status', ROW_STATUSES);
      const n = num(row, 'n');
      counts.rows += n;
      if (status === 'pending' || status === 'sending') {
        counts.failed += n;
        counts.pending += n;
      } else counts[status] += n;
    }
    return counts;
  }

  hiddenCount(fileId: number): number {
    return countOf(this.#stmts.hiddenCount.get(fileId));
  }

  givenUpCount(fileId: number, maxRuns: number): number {
    return countOf(this.#stmts.givenUp.get(fileId, maxRuns));
  }

  waitingRowsByOwner(maxRuns: number, fileIds: Iterable<number>): Map<string, number> {
    const byOwner = new Map<string, number>();
    for (const id of new Set(fileIds)) {
      const file = this.#files.find(id);
      if (!file || file.status === 'unreadable') continue;
      const n = countOf(this.#stmts.waitingInFile.get(id, maxRuns));
      byOwner.set(file.owner, (byOwner.get(file.owner) ?? 0) + n);
    }
    return byOwner;
  }

  *rowsWithStatus(fileId: number, statuses: readonly RowStatus[], range: RowRange = {}): Iterable<LedgerRow> {
    const placeholders = statuses.map(() => '?').join(', ');
    const statement = this.#db.prepare(`SELECT ${ROW_COLUMNS} FROM rows r ${ROW_JOINS}
      WHERE r.file_id = ? AND r.status IN (${placeholders}) AND r.row_number > ? AND r.row_number < ?
      ORDER BY r.row_number`);
    const after = range.after ?? 0;
    const before = range.before ?? Number.MAX_SAFE_INTEGER;
    for (const row of statement.iterate(fileId, ...statuses, after, before)) yield toLedgerRow(row);
  }

  history(plate: string, limit: number): (LedgerRow & { file: string; owner: string })[] & { total: number } {
    const entries = this.#stmts.historyOfPlate
      .all(plate, limit)
      .reverse()
      .map((row) => ({ ...toLedgerRow(row), file: text(row, 'file_name'), owner: text(row, 'owner') }));
    return Object.assign(entries, { total: countOf(this.#stmts.rowsOfPlate.get(plate)) });
  }
}

/** A row selected with ROW_COLUMNS, as the reports read it. */
export function toLedgerRow(row: SqlRow): LedgerRow {
  const cells = textOrNull(row, 'cells');
  const answer = textOrNull(row, 'answer');
  const merknader = textOrNull(row, 'merknader');
  const problems = textOrNull(row, 'problems');
  const skippedFile = textOrNull(row, 'skipped_file');
  const skippedRow = numOrNull(row, 'skipped_row');
  const skippedAt = textOrNull(row, 'skipped_at');
  const supersededFile = textOrNull(row, 'superseded_file');
  const supersededRow = numOrNull(row, 'superseded_row');
  return {
    fileId: num(row, 'file_id'),
    rowNumber: num(row, 'row_number'),
    kjennemerke: text(row, 'plate'),
    handling: oneOfOrNull(row, 'handling', HANDLINGS),
    cells: cells ? (JSON.parse(cells) as string[]) : [],
    status: oneOf(row, 'status', ROW_STATUSES),
    attempts: num(row, 'attempts'),
    runs: num(row, 'runs'),
    httpStatus: numOrNull(row, 'http_status'),
    errorCode: textOrNull(row, 'error_code'),
    errorMessage: textOrNull(row, 'error_message'),
    answer: answer ? (JSON.parse(answer) as LeasingtakerEntity) : null,
    alreadySo: flag(row, 'already_so'),
    merknader: merknader ? (JSON.parse(merknader) as Merknad[]) : [],
    problems: problems ? (JSON.parse(problems) as RowProblem[]) : [],
    skippedBecauseOf:
      skippedFile !== null && skippedRow !== null && skippedAt !== null
        ? { file: skippedFile, rowNumber: skippedRow, at: skippedAt }
        : null,
    supersededBy:
      supersededFile !== null && supersededRow !== null
        ? { file: supersededFile, rowNumber: supersededRow }
        : null,
    maybeSent: flag(row, 'maybe_sent'),
    updatedAt: text(row, 'updated_at'),
    ...(textOrNull(row, 'skip_reason') === 'hidden' ? { skipReason: 'hidden' as const } : {}),
  };
}

const ROW_COLUMNS = `r.file_id, r.row_number, r.plate, r.handling, r.cells, r.status, r.attempts, r.runs,
  r.http_status, r.error_code, r.error_message, r.answer, r.already_so, r.merknader, r.problems, r.updated_at,
  sf.name AS skipped_file, s.row_number AS skipped_row, s.updated_at AS skipped_at,
  nf.name AS superseded_file, n.row_number AS superseded_row, r.maybe_sent, r.skip_reason`;
/** The joins ROW_COLUMNS reads from: the row a skipped row repeats, and the row that superseded it. */
const ROW_JOINS = `LEFT JOIN rows s ON s.id = r.skipped_of LEFT JOIN files sf ON sf.id = s.file_id
  LEFT JOIN rows n ON n.id = r.superseded_by LEFT JOIN files nf ON nf.id = n.file_id`;

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    givenUp: p(`SELECT count(*) AS n FROM rows
      WHERE file_id = ? AND status IN ('failed', 'pending', 'sending') AND runs >= ?`),
    counts: p('SELECT status, count(*) AS n FROM rows WHERE file_id = ? GROUP BY status'),
    hiddenCount: p("SELECT count(*) AS n FROM rows WHERE file_id = ? AND skip_reason = 'hidden'"),
    waitingInFile: p(`SELECT count(*) AS n FROM rows
      WHERE file_id = ? AND status IN ('failed', 'pending', 'sending') AND runs < ?`),
    supersededCount: p(
      "SELECT count(*) AS n FROM rows WHERE file_id = ? AND status = 'skipped' AND superseded_by IS NOT NULL",
    ),
    historyOfPlate: p(`SELECT ${ROW_COLUMNS}, f.name AS file_name, f.owner AS owner FROM rows r
      JOIN files f ON f.id = r.file_id ${ROW_JOINS}
      WHERE r.plate = ? ORDER BY r.id DESC LIMIT ?`),
    rowsOfPlate: p('SELECT count(*) AS n FROM rows WHERE plate = ?'),
  };
}
