import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { LeasingtakerEntity, Merknad, RowOutcome } from '../domain/outcome.ts';
import type { Handling, LeasingtakerId, LeasingtakerRequest, RowProblem } from '../domain/types.ts';
import { migrate } from './migrations.ts';
import type { FileLayout, FileRecord, FileStatus, LedgerRow, OutcomeCounts, RowStatus } from './types.ts';

const SCHEMA_VERSION = 1;

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
-- Inputs a killed run took that a restored older backup does not know (see commands/ledger.ts): dropped again,
-- their rows may have gone out in that run, so they are "maybe sent" from the start.
CREATE TABLE IF NOT EXISTS maybe_sent_inputs (sha256 TEXT PRIMARY KEY);
`;

export interface NewFile {
  readonly owner: string;
  readonly name: string;
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  readonly sha256: string;
  readonly size: number;
}

/** A row read from the queue, ready to send. */
export interface QueuedRow {
  readonly id: number;
  readonly rowNumber: number;
  readonly plate: string;
  readonly request: LeasingtakerRequest;
  /** Handed to the API before and never answered (a crash or kill): the request may have reached the register. */
  readonly maybeSentBefore: boolean;
}

/** The last accepted row of the same plate earlier in the same file, for duplicate and conflict checks. */
export interface PreviousRow {
  readonly rowNumber: number;
  readonly request: LeasingtakerRequest;
}

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

export interface EarlierSuccess {
  readonly rowId: number;
  readonly handling: Handling;
  readonly identityHash: string;
}

/** Outcomes committed in one transaction at most: a bound on how long one commit holds the event loop. */
const OUTCOME_BATCH_MAX = 256;

let isoAt = 0;
let iso = '';
/** The time as ISO text, formatted once a millisecond: every row write stamps it. */
const nowIso = (): string => {
  const at = Date.now();
  if (at !== isoAt) {
    isoAt = at;
    iso = new Date(at).toISOString();
  }
  return iso;
};

/**
 * The durable record of every row of every file, and the queue the worker pool draws from. node:sqlite in WAL
 * mode: a transaction survives a SIGKILL of the process as soon as it is committed (WAL with synchronous=NORMAL
 * only risks the last transactions on power loss, not on a process crash; the writes that must survive that too
 * are made with synchronous=FULL, see `#durably`). Outcomes are committed a turn of the event loop at a time,
 * see `recordOutcomeBatched`.
 */
export class Ledger {
  readonly #db: DatabaseSync;
  readonly #salt: string;
  readonly #stmts: ReturnType<typeof prepareStatements>;
  /** Outcomes waiting for the end of this turn of the event loop, see `recordOutcomeBatched`. */
  #outcomes: { rowId: number; outcome: RowOutcome }[] = [];
  #outcomesCommitted: PromiseWithResolvers<void> | undefined;
  #inTransaction = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#salt = this.#ensureSalt();
    this.#stmts = prepareStatements(db);
  }

  /** Opens (creating if needed) `ledger.sqlite` in the state folder, readable by the owner only. */
  static open(stateDir: string): Ledger {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const file = join(stateDir, 'ledger.sqlite');
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    const db = new DatabaseSync(file, { timeout: 5000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec(SCHEMA);
    migrate(db);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
    return new Ledger(db);
  }

  /**
   * Opens an existing ledger for reading only (`history`). A connection that may write and closes last folds
   * the WAL into the file and deletes it; after a killed run, the next run would take that for a lost WAL
   * (src/ledger/guard.ts). A reader never does.
   */
  static openReadOnly(stateDir: string): Ledger {
    return new Ledger(new DatabaseSync(join(stateDir, 'ledger.sqlite'), { readOnly: true, timeout: 5000 }));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #ensureSalt(): string {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'salt'").get() as
      | { value: string }
      | undefined;
    if (row) return row.value;
    const salt = randomBytes(16).toString('hex');
    this.#db.prepare("INSERT INTO meta (key, value) VALUES ('salt', ?)").run(salt);
    return salt;
  }

  /**
   * A keyed hash of the lessee, so that "the same change succeeded before" can be recognised after retention
   * has blanked the personal fields.
   */
  identityHash(id: LeasingtakerId): string {
    const key = 'fodselsnummer' in id ? `F${id.fodselsnummer}` : `O${id.organisasjonsnummer}`;
    return createHash('sha256').update(this.#salt).update(key).digest('base64url').slice(0, 22);
  }

  /** Runs `work` in one transaction (nested calls join the outer one). */
  transaction<T>(work: () => T): T {
    if (this.#inTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    this.#inTransaction = true;
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite has rolled back by itself after some errors (a full disk): a second ROLLBACK would throw "no
      // transaction is active" and hide the error that says what is wrong.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  // ---- files ----

  /**
   * Runs `work` as one transaction that is on disk when it returns, power loss included (synchronous=FULL
   * for it alone). For the two writes the outside world acts on next: a file's record before the file leaves
   * the inbox, and the `sending` mark before a request goes out. Everything else may lose its last commits to
   * a power cut (NORMAL), which the next run makes good: a row without its outcome is sent again.
   */
  #durably<T>(work: () => T): T {
    if (this.#inTransaction) return work();
    this.#db.exec('PRAGMA synchronous = FULL');
    try {
      return this.transaction(work);
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  addFile(file: NewFile): number {
    return this.#durably(() => this.#insertFile(file));
  }

  #insertFile(file: NewFile): number {
    const result = this.#stmts.insertFile.run(
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
  }

  file(id: number): FileRecord {
    const row = this.#stmts.fileById.get(id) as FileRow | undefined;
    if (!row) throw new Error(`Ledger has no file ${id}`);
    return toFileRecord(row);
  }

  /** Files a run left unfinished (killed, or the API was down), oldest first. */
  unfinishedFiles(): FileRecord[] {
    return (this.#stmts.unfinishedFiles.all() as unknown as FileRow[]).map(toFileRecord);
  }

  /** Finished files that still hold rows for an automatic retry (failed or pending, tried fewer than maxRuns). */
  filesWithRetryableRows(maxRuns: number): FileRecord[] {
    return (this.#stmts.retryableFiles.all(maxRuns) as unknown as FileRow[]).map(toFileRecord);
  }

  /** Drops the record of a file that has no rows (its move into the archive never happened). */
  forgetFile(id: number): void {
    this.#stmts.forgetFile.run(id);
  }

  setFileHeaders(
    id: number,
    headers: readonly string[],
    headerRow: number,
    csvDelimiter: string | null,
  ): void {
    this.#stmts.setHeaders.run(JSON.stringify(headers), headerRow, csvDelimiter, id);
  }

  /** Where in the file the table was found (sheet, rows above the header), for the report. */
  setFileLayout(id: number, layout: FileLayout): void {
    this.#stmts.setLayout.run(JSON.stringify(layout), id);
  }

  /** Durably: the path is where the next run looks for the file. */
  setFilePath(id: number, path: string): void {
    this.#durably(() => this.#stmts.setPath.run(path, id));
  }

  startFileRun(id: number): void {
    this.#stmts.startRun.run(nowIso(), id);
  }

  setFileStatus(id: number, status: FileStatus, error: string | null = null): void {
    this.#stmts.setStatus.run(
      status,
      error,
      status === 'done' || status === 'unreadable' ? nowIso() : null,
      id,
    );
  }

  /** The retry file the file's latest report set holds (a full path), or null. */
  retryReport(id: number): string | null {
    const row = this.#stmts.retryReport.get(id) as { retry_report: string | null } | undefined;
    return row?.retry_report ?? null;
  }

  setRetryReport(id: number, path: string | null): void {
    this.#stmts.setRetryReport.run(path, id);
  }

  // ---- growth of a file after it was taken (see pipeline/growth.ts) ----

  /**
   * What a read of the file saw (its size and mtime, whether a last line was held back), and whether it grew
   * while it was read. The file is not at rest until a later look says so (`settleFile`).
   */
  recordRead(id: number, look: FileLook, grew: boolean): void {
    this.#stmts.recordRead.run(look.size, look.mtimeMs, look.tailHeld ? 1 : 0, grew ? 1 : 0, id);
  }

  /** What the last read of the file saw, undefined before its first. */
  fileLook(id: number): FileLook | undefined {
    return toLook(this.#stmts.fileById.get(id) as (FileRow & LookColumns) | undefined);
  }

  /** Files that may still change: finished (or refused), not yet at rest, with what their last read saw. */
  unsettledFiles(): (FileRecord & { readonly look: FileLook | undefined })[] {
    return (this.#stmts.unsettledFiles.all() as unknown as (FileRow & LookColumns)[]).map((row) => ({
      ...toFileRecord(row),
      look: toLook(row),
    }));
  }

  /** The file is to be read again (it changed, or its held-back last line is now taken as complete). */
  reopenFile(id: number, grew: boolean): void {
    this.#stmts.reopenFile.run(grew ? 1 : 0, id);
  }

  /** A file of these bytes, dropped again, may have had rows sent before: its rows go in as "maybe sent". */
  rememberMaybeSentInput(sha256: string): void {
    this.#db.prepare('INSERT OR IGNORE INTO maybe_sent_inputs (sha256) VALUES (?)').run(sha256);
  }

  /** Whether any file's record names this path (the job's own files are told from strangers by it). */
  hasFileAt(path: string): boolean {
    return this.#stmts.fileAtPath.get(path) !== undefined;
  }

  /** The file has been unchanged long enough: no later run looks at it again. */
  settleFile(id: number): void {
    this.#stmts.settleFile.run(id);
  }

  csvDelimiter(id: number): string | null {
    const row = this.#stmts.fileById.get(id) as FileRow | undefined;
    return row?.csv_delimiter ?? null;
  }

  // ---- ingest ----

  /** The newest row id of a file, 0 when it has none; with the queue's cursor it measures the reader's lead. */
  lastRowId(fileId: number): number {
    const row = this.#stmts.lastRowId.get(fileId) as { id: number | null } | undefined;
    return row?.id ?? 0;
  }

  /** The highest row number of the file in the ledger, 0 for none: rows above it need no `hasRow`. */
  lastRowNumber(fileId: number): number {
    const row = this.#stmts.lastRowNumber.get(fileId) as { n: number | null } | undefined;
    return row?.n ?? 0;
  }

  hasRow(fileId: number, rowNumber: number): boolean {
    return this.#stmts.hasRow.get(fileId, rowNumber) !== undefined;
  }

  /** The last accepted row of the same plate earlier in the file (invalid rows never count). */
  previousRowForPlate(fileId: number, plate: string, beforeRow: number): PreviousRow | undefined {
    const row = this.#stmts.previousForPlate.get(fileId, plate, beforeRow) as
      | { row_number: number; request: string }
      | undefined;
    if (!row) return undefined;
    return { rowNumber: row.row_number, request: JSON.parse(row.request) as LeasingtakerRequest };
  }

  /** The plate's latest successful change in any other file of the same owner: its current state as we know it. */
  latestSuccessElsewhere(owner: string, plate: string, fileId: number): EarlierSuccess | undefined {
    const row = this.#stmts.latestSuccess.get(plate, owner, fileId) as
      | { id: number; handling: Handling; identity_hash: string }
      | undefined;
    return row ? { rowId: row.id, handling: row.handling, identityHash: row.identity_hash } : undefined;
  }

  /**
   * Records a row that can be sent: queued as pending, or, when `skippedBecauseOf` names an earlier successful
   * row with the same change, recorded as skipped.
   */
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
      this.identityHash(request.leasingtakerId),
      JSON.stringify(request),
      JSON.stringify(cells),
      skippedBecauseOf === undefined ? 'pending' : 'skipped',
      null,
      skippedBecauseOf ?? null,
      nowIso(),
    );
    return Number(result.lastInsertRowid);
  }

  // ---- superseding: a newer file repeating what an older one still holds open ----

  /**
   * The first open row, in file order, of an older file of the same owner with the same change (plate, handling,
   * lessee) as `request`: the row a newer file's row supersedes.
   */
  repeatedOpenRow(fileId: number, request: LeasingtakerRequest): OpenRow | undefined {
    const row = this.#stmts.repeatedOpen.get(
      request.kjennemerke,
      fileId,
      fileId,
      request.handling,
      this.identityHash(request.leasingtakerId),
    ) as OpenRowRow | undefined;
    return row && toOpenRow(row);
  }

  /**
   * The first open row of the plate in an older file of the same owner, in file order: a newer file's row of
   * the plate waits for it. Rows that have had `maxRuns` runs are left for a person and hold nothing back.
   */
  olderOpenRow(fileId: number, plate: string, maxRuns = Number.MAX_SAFE_INTEGER): OpenRow | undefined {
    const row = this.#stmts.olderOpen.get(plate, fileId, maxRuns, fileId) as OpenRowRow | undefined;
    return row && toOpenRow(row);
  }

  /** Whether any older file of the same owner holds an open row that is still retried. */
  hasOlderOpenRows(fileId: number, maxRuns = Number.MAX_SAFE_INTEGER): boolean {
    return this.#stmts.anyOlderOpen.get(fileId, maxRuns, fileId) !== undefined;
  }

  /**
   * Closes `from` and every open row of its plate after it (in its file and in files up to `newerFileId`) as
   * superseded by the newer row `byRowId`: status skipped, with `superseded_by`. Returns the files touched, and
   * the first `keep` rows closed after `from` (in file order), which later rows of the newer file may take over
   * (`repoint`).
   */
  supersede(
    from: OpenRow,
    byRowId: number,
    plate: string,
    newerFileId: number,
    keep = 1_000,
  ): { files: number[]; after: SupersededRow[] } {
    const args = [plate, newerFileId, from.fileId, from.fileId, from.rowNumber, newerFileId] as const;
    const files = (this.#stmts.supersededFiles.all(...args) as { file_id: number }[]).map((r) => r.file_id);
    const after = (
      this.#stmts.supersededRows.all(...args, from.id, keep) as {
        id: number;
        handling: Handling;
        identity_hash: string;
        maybe_sent: number;
        status: RowStatus;
      }[]
    ).map((row) => ({
      id: row.id,
      handling: row.handling,
      identityHash: row.identity_hash,
      maybeSent: row.maybe_sent === 1 || row.status === 'sending',
    }));
    this.#stmts.supersede.run(byRowId, nowIso(), ...args);
    // A finished file is unfinished again until its report says what became of these rows: a run killed
    // before writing it leaves the file to the next run, like any file whose report is not out.
    for (const id of files) this.#stmts.reopenSuperseded.run(id);
    return { files, after };
  }

  /** A superseded row is taken over by a later row of the newer file that makes the same change. */
  repoint(rowId: number, byRowId: number): void {
    this.#stmts.repoint.run(byRowId, rowId);
  }

  /** The row may have reached the API before (as the row it supersedes may have): "already so" then counts as ok. */
  markMaybeSent(rowId: number): void {
    this.#stmts.markMaybeSent.run(rowId);
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

  /**
   * Records a row hidden in the workbook (filtered out or hidden by hand): skipped, never queued, and without a
   * request, so that it is neither sent nor counted as an earlier row of its plate by the duplicate checks.
   */
  addHiddenRow(
    fileId: number,
    rowNumber: number,
    plate: string,
    handling: Handling | null,
    cells: readonly string[],
  ): void {
    this.#stmts.insertHiddenRow.run(fileId, rowNumber, plate, handling, JSON.stringify(cells), nowIso());
  }

  // ---- queue ----

  /**
   * Takes the next rows without an outcome after `afterId`, in file order, and marks them `sending` in one
   * transaction before any goes out: after a crash, a row so marked may have reached the API and is sent again
   * as "maybe sent before". Claiming a batch at once costs one commit per batch instead of one per row. Rows
   * that have had `maxRuns` runs (LEASINGTAKER_MAX_RUNS) are left for a person, whatever state their file is in.
   */
  claimQueued(
    fileId: number,
    afterId: number,
    limit: number,
    maxRuns = Number.MAX_SAFE_INTEGER,
  ): QueuedRow[] {
    return this.#durably(() => {
      const rows = this.#stmts.queued.all(fileId, afterId, maxRuns, limit) as unknown as {
        id: number;
        row_number: number;
        plate: string;
        request: string;
        status: RowStatus;
        maybe_sent: number;
      }[];
      const last = rows.at(-1);
      if (last) {
        // A row still `sending` was left so by a run that died: it stays maybe sent, whatever becomes of it now
        // (held behind a failed row and left pending, say).
        this.#stmts.markMaybeSentRange.run(fileId, afterId, last.id, maxRuns);
        this.#stmts.markSendingRange.run(nowIso(), fileId, afterId, last.id, maxRuns);
      }
      return rows.map((row) => ({
        id: row.id,
        rowNumber: row.row_number,
        plate: row.plate,
        request: JSON.parse(row.request) as LeasingtakerRequest,
        maybeSentBefore: row.status === 'sending' || row.maybe_sent === 1,
      }));
    });
  }

  /**
   * Records an outcome together with the others that arrive in the same turn of the event loop: one transaction
   * for all of them (~3 µs a row) instead of one commit each (~60-100 µs). The promise resolves once it is
   * committed, so a worker that awaits it before taking its next row keeps the guarantee of a commit per outcome:
   * at a kill, only rows in flight or answered in the last turn lack their outcome, never more than the pool's
   * concurrency.
   */
  recordOutcomeBatched(rowId: number, outcome: RowOutcome): Promise<void> {
    this.#outcomes.push({ rowId, outcome });
    if (!this.#outcomesCommitted) {
      this.#outcomesCommitted = Promise.withResolvers<void>();
      setImmediate(() => this.#commitOutcomes());
    }
    const { promise } = this.#outcomesCommitted;
    if (this.#outcomes.length >= OUTCOME_BATCH_MAX) this.#commitOutcomes();
    return promise;
  }

  #commitOutcomes(): void {
    const committed = this.#outcomesCommitted;
    if (!committed) return;
    const outcomes = this.#outcomes;
    this.#outcomes = [];
    this.#outcomesCommitted = undefined;
    try {
      this.transaction(() => {
        for (const { rowId, outcome } of outcomes) this.#recordOutcome(rowId, outcome);
      });
      committed.resolve();
    } catch (error) {
      committed.reject(error);
    }
  }

  #recordOutcome(rowId: number, outcome: RowOutcome): void {
    const at = nowIso();
    switch (outcome.kind) {
      case 'ok':
        this.#stmts.recordOutcome.run(
          'ok',
          outcome.attempts,
          200,
          null,
          null,
          JSON.stringify(outcome.entity),
          outcome.alreadySo ? 1 : 0,
          null,
          at,
          rowId,
        );
        return;
      case 'stopped':
        this.#stmts.recordOutcome.run(
          'stopped',
          outcome.attempts,
          200,
          null,
          null,
          null,
          0,
          JSON.stringify(outcome.merknader),
          at,
          rowId,
        );
        return;
      case 'failed':
        this.#stmts.recordOutcome.run(
          'failed',
          outcome.attempts,
          outcome.status ?? null,
          outcome.code,
          outcome.message,
          null,
          0,
          null,
          at,
          rowId,
        );
        if (outcome.maybeReached) this.#stmts.markMaybeSent.run(rowId);
        return;
    }
  }

  /** Returns claimed rows that were never handed to the API to the queue as plain pending rows. */
  release(rowIds: readonly number[]): void {
    if (rowIds.length === 0) return;
    this.transaction(() => {
      for (const id of rowIds) this.#stmts.release.run(id);
    });
  }

  /** Leaves a row without an outcome, with the reason a person will read in `Feilet` (e.g. waiting for row N). */
  leavePending(rowId: number, reason: string): void {
    this.#stmts.leavePending.run(reason, nowIso(), rowId);
  }

  /** Ends a run's work on a file: every row still without an outcome has had one more run. */
  countRunForOpenRows(fileId: number): void {
    this.#stmts.countRun.run(fileId);
  }

  /** Turns failed rows that may be retried back into pending ones, at the start of a run. */
  requeueFailed(fileId: number, maxRuns: number): number {
    return Number(this.#stmts.requeueFailed.run(nowIso(), fileId, maxRuns).changes);
  }

  // ---- read back ----

  counts(fileId: number): OutcomeCounts & { pending: number; superseded: number } {
    const rows = this.#stmts.counts.all(fileId) as unknown as { status: RowStatus; n: number }[];
    const { n: superseded } = this.#stmts.supersededCount.get(fileId) as { n: number };
    const counts = { rows: 0, ok: 0, stopped: 0, failed: 0, invalid: 0, skipped: 0, pending: 0, superseded };
    for (const { status, n } of rows) {
      counts.rows += n;
      if (status === 'pending' || status === 'sending') {
        counts.failed += n;
        counts.pending += n;
      } else counts[status] += n;
    }
    return counts;
  }

  /** Of the skipped rows, those hidden in the workbook. */
  hiddenCount(fileId: number): number {
    return (this.#stmts.hiddenCount.get(fileId) as { n: number }).n;
  }

  /** Rows without an outcome that have used up their automatic retries. */
  givenUpCount(fileId: number, maxRuns: number): number {
    const row = this.#stmts.givenUp.get(fileId, maxRuns) as { n: number };
    return row.n;
  }

  /**
   * Rows of the given files that later runs will still send, by fleet owner ('' for the installation's own):
   * without an outcome or failed technically, with runs left (LEASINGTAKER_MAX_RUNS), in files that are not
   * unreadable. Per file, through the file's index: asking the whole ledger would read every row it holds.
   */
  waitingRowsByOwner(maxRuns: number, fileIds: Iterable<number>): Map<string, number> {
    const byOwner = new Map<string, number>();
    for (const id of new Set(fileIds)) {
      const file = this.#stmts.fileById.get(id) as FileRow | undefined;
      if (!file || file.status === 'unreadable') continue;
      const { n } = this.#stmts.waitingInFile.get(id, maxRuns) as { n: number };
      byOwner.set(file.owner, (byOwner.get(file.owner) ?? 0) + n);
    }
    return byOwner;
  }

  /** Lazily, in row order: a report of 200,000 rows never holds them all. */
  *rowsWithStatus(fileId: number, statuses: readonly RowStatus[]): Iterable<LedgerRow> {
    const placeholders = statuses.map(() => '?').join(', ');
    const statement = this.#db.prepare(`SELECT ${ROW_COLUMNS} FROM rows r ${ROW_JOINS}
      WHERE r.file_id = ? AND r.status IN (${placeholders}) ORDER BY r.row_number`);
    for (const row of statement.iterate(fileId, ...statuses) as Iterable<RowRow>) yield toLedgerRow(row);
  }

  /**
   * What the ledger knows about a plate, oldest first, for `leasingtaker history`: its latest `limit` rows (a
   * plate may have a million, from a file that names only it) and how many it has in all.
   */
  history(
    plate: string,
    limit = Number.MAX_SAFE_INTEGER,
  ): (LedgerRow & { file: string; owner: string })[] & { total: number } {
    const rows = this.#stmts.historyOfPlate.all(plate, limit) as unknown as (RowRow & {
      file_name: string;
      owner: string;
    })[];
    const entries = rows
      .reverse()
      .map((row) => ({ ...toLedgerRow(row), file: row.file_name, owner: row.owner }));
    const { n } = this.#stmts.rowsOfPlate.get(plate) as { n: number };
    return Object.assign(entries, { total: n });
  }

  /**
   * Blanks the personal fields of files finished before `cutoff` (ISO time), keeping counts, plates, statuses
   * and hashes. Returns how many files were purged.
   */
  purgeBefore(cutoff: string): number {
    return this.transaction(() => {
      const files = this.#stmts.filesToPurge.all(cutoff) as unknown as { id: number }[];
      for (const { id } of files) {
        this.#stmts.purgeRows.run(id);
        this.#stmts.markPurged.run(id);
      }
      return files.length;
    });
  }
}

interface FileRow {
  id: number;
  owner: string;
  name: string;
  path: string;
  format: 'csv' | 'xlsx';
  status: FileStatus;
  headers: string;
  header_row: number;
  csv_delimiter: string | null;
  error: string | null;
  received_at: string;
  started_at: string | null;
  finished_at: string | null;
  runs: number;
  layout: string | null;
  grew?: number;
}

/** What a read of a file saw, for the next look to compare with. */
export interface FileLook {
  readonly size: number;
  readonly mtimeMs: number;
  /** A last line without a line end was not read as a row. */
  readonly tailHeld: boolean;
}

interface LookColumns {
  read_size: number | null;
  read_mtime_ms: number | null;
  tail_held: number;
}

function toLook(row: (FileRow & LookColumns) | undefined): FileLook | undefined {
  if (!row || row.read_size === null || row.read_mtime_ms === null) return undefined;
  return { size: row.read_size, mtimeMs: row.read_mtime_ms, tailHeld: row.tail_held === 1 };
}

interface RowRow {
  file_id: number;
  row_number: number;
  plate: string;
  handling: Handling | null;
  cells: string | null;
  status: RowStatus;
  attempts: number;
  runs: number;
  http_status: number | null;
  error_code: string | null;
  error_message: string | null;
  answer: string | null;
  already_so: number;
  merknader: string | null;
  problems: string | null;
  skipped_file: string | null;
  skipped_row: number | null;
  skipped_at: string | null;
  skip_reason: string | null;
  superseded_file: string | null;
  superseded_row: number | null;
  maybe_sent: number;
  updated_at: string;
}

interface OpenRowRow {
  id: number;
  file_id: number;
  name: string;
  row_number: number;
  maybe_sent: number;
  status: RowStatus;
}

function toOpenRow(row: OpenRowRow): OpenRow {
  return {
    id: row.id,
    fileId: row.file_id,
    file: row.name,
    rowNumber: row.row_number,
    // Left `sending` by a run that died: it may have reached the API, though not marked so yet.
    maybeSent: row.maybe_sent === 1 || row.status === 'sending',
  };
}

function toFileRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    owner: row.owner,
    name: row.name,
    path: row.path,
    format: row.format,
    status: row.status,
    headers: JSON.parse(row.headers) as string[],
    headerRowNumber: row.header_row,
    error: row.error,
    receivedAt: row.received_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    runs: row.runs,
    grew: row.grew === 1,
    ...(row.layout ? { layout: JSON.parse(row.layout) as FileLayout } : {}),
  };
}

function toLedgerRow(row: RowRow): LedgerRow {
  return {
    fileId: row.file_id,
    rowNumber: row.row_number,
    kjennemerke: row.plate,
    handling: row.handling,
    cells: row.cells ? (JSON.parse(row.cells) as string[]) : [],
    status: row.status,
    attempts: row.attempts,
    runs: row.runs,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    answer: row.answer ? (JSON.parse(row.answer) as LeasingtakerEntity) : null,
    alreadySo: row.already_so === 1,
    merknader: row.merknader ? (JSON.parse(row.merknader) as Merknad[]) : [],
    problems: row.problems ? (JSON.parse(row.problems) as RowProblem[]) : [],
    skippedBecauseOf:
      row.skipped_file !== null && row.skipped_row !== null && row.skipped_at !== null
        ? { file: row.skipped_file, rowNumber: row.skipped_row, at: row.skipped_at }
        : null,
    supersededBy:
      row.superseded_file !== null && row.superseded_row !== null
        ? { file: row.superseded_file, rowNumber: row.superseded_row }
        : null,
    maybeSent: row.maybe_sent === 1,
    updatedAt: row.updated_at,
    ...(row.skip_reason === 'hidden' ? { skipReason: 'hidden' as const } : {}),
  };
}

const ROW_COLUMNS = `r.file_id, r.row_number, r.plate, r.handling, r.cells, r.status, r.attempts, r.runs,
  r.http_status, r.error_code, r.error_message, r.answer, r.already_so, r.merknader, r.problems, r.updated_at,
  sf.name AS skipped_file, s.row_number AS skipped_row, s.updated_at AS skipped_at,
  nf.name AS superseded_file, n.row_number AS superseded_row, r.maybe_sent, r.skip_reason`;
/** The joins ROW_COLUMNS reads from: the row a skipped row repeats, and the row that superseded it. */
const ROW_JOINS = `LEFT JOIN rows s ON s.id = r.skipped_of LEFT JOIN files sf ON sf.id = s.file_id
  LEFT JOIN rows n ON n.id = r.superseded_by LEFT JOIN files nf ON nf.id = n.file_id`;

function prepareStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    insertFile: p(`INSERT INTO files (owner, name, path, format, sha256, size, status, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    fileById: p('SELECT * FROM files WHERE id = ?'),
    unfinishedFiles: p("SELECT * FROM files WHERE status IN ('reading', 'sending') ORDER BY id"),
    retryableFiles: p(`SELECT * FROM files f WHERE f.status = 'done' AND EXISTS (
        SELECT 1 FROM rows r WHERE r.file_id = f.id AND r.status IN ('failed', 'pending', 'sending') AND r.runs < ?
      ) ORDER BY f.id`),
    forgetFile: p(
      'DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM rows WHERE file_id = files.id)',
    ),
    retryReport: p('SELECT retry_report FROM files WHERE id = ?'),
    setRetryReport: p('UPDATE files SET retry_report = ? WHERE id = ?'),
    setHeaders: p('UPDATE files SET headers = ?, header_row = ?, csv_delimiter = ? WHERE id = ?'),
    setPath: p('UPDATE files SET path = ? WHERE id = ?'),
    recordRead:
      p(`UPDATE files SET read_size = ?, read_mtime_ms = ?, tail_held = ?, grew = max(grew, ?), at_rest = 0
      WHERE id = ?`),
    unsettledFiles: p(
      "SELECT * FROM files WHERE at_rest = 0 AND status IN ('done', 'unreadable') AND purged = 0 ORDER BY id",
    ),
    reopenFile: p(
      "UPDATE files SET status = 'reading', error = NULL, grew = max(grew, ?), finished_at = NULL WHERE id = ?",
    ),
    settleFile: p('UPDATE files SET at_rest = 1 WHERE id = ?'),
    fileAtPath: p('SELECT 1 FROM files WHERE path = ? LIMIT 1'),
    setLayout: p('UPDATE files SET layout = ? WHERE id = ?'),
    startRun: p('UPDATE files SET started_at = ?, runs = runs + 1 WHERE id = ?'),
    setStatus: p(
      'UPDATE files SET status = ?, error = ?, finished_at = coalesce(?, finished_at) WHERE id = ?',
    ),
    lastRowId: p('SELECT max(id) AS id FROM rows WHERE file_id = ?'),
    hasRow: p('SELECT 1 FROM rows WHERE file_id = ? AND row_number = ?'),
    lastRowNumber: p('SELECT max(row_number) AS n FROM rows WHERE file_id = ?'),
    previousForPlate: p(`SELECT row_number, request FROM rows
      WHERE file_id = ? AND plate = ? AND row_number < ? AND request IS NOT NULL
      ORDER BY row_number DESC LIMIT 1`),
    latestSuccess: p(`SELECT r.id, r.handling, r.identity_hash FROM rows r JOIN files f ON f.id = r.file_id
      WHERE r.plate = ? AND r.status = 'ok' AND f.owner = ? AND r.file_id <> ?
      ORDER BY r.updated_at DESC, r.id DESC LIMIT 1`),
    insertRow: p(`INSERT OR IGNORE INTO rows
      (file_id, row_number, plate, handling, identity_hash, request, cells, status, problems, skipped_of, updated_at,
       maybe_sent)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, EXISTS (SELECT 1 FROM maybe_sent_inputs m JOIN files f
        ON f.sha256 = m.sha256 WHERE f.id = ?1))`),
    insertHiddenRow: p(`INSERT OR IGNORE INTO rows
      (file_id, row_number, plate, handling, cells, status, skip_reason, updated_at)
      VALUES (?, ?, ?, ?, ?, 'skipped', 'hidden', ?)`),
    queued: p(`SELECT id, row_number, plate, request, status, maybe_sent FROM rows
      WHERE file_id = ? AND id > ? AND status IN ('pending', 'sending') AND runs < ? ORDER BY id LIMIT ?`),
    markSendingRange: p(`UPDATE rows SET status = 'sending', updated_at = ?
      WHERE file_id = ? AND id > ? AND id <= ? AND status = 'pending' AND runs < ?`),
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
    supersededFiles: p(`SELECT DISTINCT file_id FROM rows
      WHERE plate = ? AND file_id < ? AND status IN ('pending', 'sending', 'failed')
        AND (file_id > ? OR (file_id = ? AND row_number >= ?))
        AND file_id IN (SELECT id FROM files WHERE owner = (SELECT owner FROM files WHERE id = ?))`),
    // A row still `sending` keeps that it may have reached the API once its status says skipped.
    supersede: p(`UPDATE rows SET status = 'skipped', superseded_by = ?, updated_at = ?,
        maybe_sent = CASE WHEN status = 'sending' THEN 1 ELSE maybe_sent END
      WHERE plate = ? AND file_id < ? AND status IN ('pending', 'sending', 'failed')
        AND (file_id > ? OR (file_id = ? AND row_number >= ?))
        AND file_id IN (SELECT id FROM files WHERE owner = (SELECT owner FROM files WHERE id = ?))`),
    supersededRows: p(`SELECT id, handling, identity_hash, maybe_sent, status FROM rows
      WHERE plate = ? AND file_id < ? AND status IN ('pending', 'sending', 'failed')
        AND (file_id > ? OR (file_id = ? AND row_number >= ?))
        AND file_id IN (SELECT id FROM files WHERE owner = (SELECT owner FROM files WHERE id = ?))
        AND id <> ?
      ORDER BY file_id, row_number LIMIT ?`),
    repoint: p('UPDATE rows SET superseded_by = ? WHERE id = ?'),
    reopenSuperseded: p("UPDATE files SET status = 'sending' WHERE id = ? AND status = 'done'"),
    markMaybeSentRange: p(`UPDATE rows SET maybe_sent = 1
      WHERE file_id = ? AND id > ? AND id <= ? AND status = 'sending' AND runs < ?`),
    markMaybeSent: p('UPDATE rows SET maybe_sent = 1 WHERE id = ?'),
    recordOutcome: p(`UPDATE rows SET status = ?, attempts = attempts + ?, runs = runs + 1, http_status = ?,
      error_code = ?, error_message = ?, answer = ?, already_so = ?, merknader = ?, updated_at = ? WHERE id = ?`),
    release: p("UPDATE rows SET status = 'pending' WHERE id = ? AND status = 'sending'"),
    leavePending: p("UPDATE rows SET status = 'pending', error_message = ?, updated_at = ? WHERE id = ?"),
    countRun: p("UPDATE rows SET runs = runs + 1 WHERE file_id = ? AND status IN ('pending', 'sending')"),
    requeueFailed: p(`UPDATE rows SET status = 'pending', updated_at = ?
      WHERE file_id = ? AND status = 'failed' AND runs < ?`),
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
    filesToPurge: p(`SELECT id FROM files WHERE purged = 0 AND status IN ('done', 'unreadable')
      AND finished_at IS NOT NULL AND finished_at < ?`),
    // A merknad keeps its code (history and the reports' counts use it) and loses its text, which may name the
    // lessee or hold the number in a spelling no mask knows.
    purgeRows: p(`UPDATE rows SET request = NULL, cells = NULL, answer = NULL, error_message = NULL,
        merknader = CASE WHEN json_valid(merknader) AND json_type(merknader) = 'array' THEN (SELECT json_group_array(
          json_object('kode', coalesce(json_extract(m.value, '$.kode'), 'UKJENT'), 'beskrivelse', ''))
          FROM json_each(rows.merknader) AS m WHERE m.type = 'object') END
      WHERE file_id = ? AND status IN ('ok', 'stopped', 'invalid', 'skipped', 'failed')`),
    markPurged: p('UPDATE files SET purged = 1, layout = NULL WHERE id = ?'),
  };
}
