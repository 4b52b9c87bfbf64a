// The ledger's one door: every caller opens a `Ledger` and calls its methods; the work is done by the parts
// behind it, one job each (schema.ts, identity.ts, transactions.ts, file-records.ts, intake.ts, superseding.ts,
// queue.ts, read-back.ts, purge.ts). This file opens the database, wires the parts to it, and documents each
// method where callers look for it. It is longer than ~300 lines for that reason only: about fifty methods of
// one line each, with their documentation; no logic of its own beyond opening.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { RowOutcome } from '../domain/outcome.ts';
import type { Handling, LeasingtakerId, LeasingtakerRequest, RowProblem } from '../domain/types.ts';
import { type FileLook, FileRecords, type NewFile } from './file-records.ts';
import { identityHash, ledgerSalt } from './identity.ts';
import { type EarlierSuccess, Intake, type PreviousRow } from './intake.ts';
import { Purge } from './purge.ts';
import { Queue, type QueuedRow } from './queue.ts';
import { ReadBack } from './read-back.ts';
import { createSchema } from './schema.ts';
import { type OpenRow, type SupersededRow, Superseding } from './superseding.ts';
import { Transactions } from './transactions.ts';
import type {
  FileLayout,
  FileRecord,
  FileStatus,
  LedgerRow,
  OutcomeCounts,
  RowRange,
  RowStatus,
} from './types.ts';

// The shapes the façade's methods take and return, where its callers import them from.
export type { EarlierSuccess, FileLook, NewFile, OpenRow, PreviousRow, QueuedRow, SupersededRow };

/**
 * The durable record of every row of every file, and the queue the worker pool draws from. node:sqlite in WAL
 * mode: a transaction survives a SIGKILL of the process as soon as it is committed (WAL with synchronous=NORMAL
 * only risks the last transactions on power loss, not on a process crash; the writes that must survive that too
 * are made with synchronous=FULL, see `Transactions.durably`). Outcomes are committed a turn of the event loop
 * at a time, see `recordOutcomeBatched`.
 */
export class Ledger {
  readonly #db: DatabaseSync;
  readonly #salt: string;
  readonly #tx: Transactions;
  readonly #files: FileRecords;
  readonly #intake: Intake;
  readonly #superseding: Superseding;
  readonly #queue: Queue;
  readonly #readBack: ReadBack;
  readonly #purge: Purge;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#salt = ledgerSalt(db);
    this.#tx = new Transactions(db);
    const hash = (id: LeasingtakerId) => this.identityHash(id);
    this.#files = new FileRecords(db, this.#tx);
    this.#intake = new Intake(db, hash);
    this.#superseding = new Superseding(db, hash);
    this.#queue = new Queue(db, this.#tx);
    this.#readBack = new ReadBack(db, this.#files);
    this.#purge = new Purge(db, this.#tx);
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
    createSchema(db);
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

  /**
   * A keyed hash of the lessee, so that "the same change succeeded before" can be recognised after retention
   * has blanked the personal fields.
   */
  identityHash(id: LeasingtakerId): string {
    return identityHash(this.#salt, id);
  }

  /** Runs `work` in one transaction (nested calls join the outer one). */
  transaction<T>(work: () => T): T {
    return this.#tx.run(work);
  }

  // ---- files (file-records.ts) ----

  /** Durably: the record is on disk before the file leaves the inbox. */
  addFile(file: NewFile): number {
    return this.#files.add(file);
  }

  file(id: number): FileRecord {
    return this.#files.file(id);
  }

  /** Files a run left unfinished (killed, or the API was down), oldest first. */
  unfinishedFiles(): FileRecord[] {
    return this.#files.unfinished();
  }

  /** Finished files that still hold rows for an automatic retry (failed or pending, tried fewer than maxRuns). */
  filesWithRetryableRows(maxRuns: number): FileRecord[] {
    return this.#files.withRetryableRows(maxRuns);
  }

  /** Drops the record of a file that has no rows (its move into the archive never happened). */
  forgetFile(id: number): void {
    this.#files.forget(id);
  }

  setFileHeaders(
    id: number,
    headers: readonly string[],
    headerRow: number,
    csvDelimiter: string | null,
  ): void {
    this.#files.setHeaders(id, headers, headerRow, csvDelimiter);
  }

  /** Where in the file the table was found (sheet, rows above the header), for the report. */
  setFileLayout(id: number, layout: FileLayout): void {
    this.#files.setLayout(id, layout);
  }

  /** Durably: the path is where the next run looks for the file. */
  setFilePath(id: number, path: string): void {
    this.#files.setPath(id, path);
  }

  startFileRun(id: number): void {
    this.#files.startRun(id);
  }

  setFileStatus(id: number, status: FileStatus, error: string | null = null): void {
    this.#files.setStatus(id, status, error);
  }

  /** The retry file the file's latest report set holds (a full path), or null. */
  retryReport(id: number): string | null {
    return this.#files.retryReport(id);
  }

  setRetryReport(id: number, path: string | null): void {
    this.#files.setRetryReport(id, path);
  }

  csvDelimiter(id: number): string | null {
    return this.#files.csvDelimiter(id);
  }

  /** Whether any file's record names this path (the job's own files are told from strangers by it). */
  hasFileAt(path: string): boolean {
    return this.#files.hasFileAt(path);
  }

  /** A file of these bytes, dropped again, may have had rows sent before: its rows go in as "maybe sent". */
  rememberMaybeSentInput(sha256: string): void {
    this.#files.rememberMaybeSentInput(sha256);
  }

  // ---- growth of a file after it was taken (file-records.ts; see inbox/growth.ts) ----

  /**
   * What a read of the file saw (its size and mtime, whether a last line was held back), and whether it grew
   * while it was read. The file is not at rest until a later look says so (`settleFile`).
   */
  recordRead(id: number, look: FileLook, grew: boolean): void {
    this.#files.recordRead(id, look, grew);
  }

  /** What the last read of the file saw, undefined before its first. */
  fileLook(id: number): FileLook | undefined {
    return this.#files.look(id);
  }

  /** Files that may still change: finished (or refused), not yet at rest, with what their last read saw. */
  unsettledFiles(): (FileRecord & { readonly look: FileLook | undefined })[] {
    return this.#files.unsettled();
  }

  /** The file is to be read again (it changed, or its held-back last line is now taken as complete). */
  reopenFile(id: number, grew: boolean): void {
    this.#files.reopen(id, grew);
  }

  /** The file has been unchanged long enough: no later run looks at it again. */
  settleFile(id: number): void {
    this.#files.settle(id);
  }

  // ---- intake (intake.ts) ----

  /** The newest row id of a file, 0 when it has none; with the queue's cursor it measures the reader's lead. */
  lastRowId(fileId: number): number {
    return this.#intake.lastRowId(fileId);
  }

  /** The highest row number of the file in the ledger, 0 for none: rows above it need no `hasRow`. */
  lastRowNumber(fileId: number): number {
    return this.#intake.lastRowNumber(fileId);
  }

  hasRow(fileId: number, rowNumber: number): boolean {
    return this.#intake.hasRow(fileId, rowNumber);
  }

  /** The last accepted row of the same plate earlier in the file (invalid rows never count). */
  previousRowForPlate(fileId: number, plate: string, beforeRow: number): PreviousRow | undefined {
    return this.#intake.previousRowForPlate(fileId, plate, beforeRow);
  }

  /** The plate's latest successful change in any other file of the same owner: its current state as we know it. */
  latestSuccessElsewhere(owner: string, plate: string, fileId: number): EarlierSuccess | undefined {
    return this.#intake.latestSuccessElsewhere(owner, plate, fileId);
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
    return this.#intake.addValidRow(fileId, rowNumber, request, cells, skippedBecauseOf);
  }

  addInvalidRow(
    fileId: number,
    rowNumber: number,
    plate: string,
    handling: Handling | null,
    problems: readonly RowProblem[],
    cells: readonly string[],
  ): void {
    this.#intake.addInvalidRow(fileId, rowNumber, plate, handling, problems, cells);
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
    this.#intake.addHiddenRow(fileId, rowNumber, plate, handling, cells);
  }

  // ---- superseding: a newer file repeating what an older one still holds open (superseding.ts) ----

  /**
   * The first open row, in file order, of an older file of the same owner with the same change (plate, handling,
   * lessee) as `request`: the row a newer file's row supersedes.
   */
  repeatedOpenRow(fileId: number, request: LeasingtakerRequest): OpenRow | undefined {
    return this.#superseding.repeatedOpenRow(fileId, request);
  }

  /**
   * The first open row of the plate in an older file of the same owner, in file order: a newer file's row of
   * the plate waits for it. Rows that have had `maxRuns` runs are left for a person and hold nothing back.
   */
  olderOpenRow(fileId: number, plate: string, maxRuns = Number.MAX_SAFE_INTEGER): OpenRow | undefined {
    return this.#superseding.olderOpenRow(fileId, plate, maxRuns);
  }

  /** Whether any older file of the same owner holds an open row that is still retried. */
  hasOlderOpenRows(fileId: number, maxRuns = Number.MAX_SAFE_INTEGER): boolean {
    return this.#superseding.hasOlderOpenRows(fileId, maxRuns);
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
    return this.#superseding.supersede(from, byRowId, plate, newerFileId, keep);
  }

  /** A superseded row is taken over by a later row of the newer file that makes the same change. */
  repoint(rowId: number, byRowId: number): void {
    this.#superseding.repoint(rowId, byRowId);
  }

  /** The row may have reached the API before (as the row it supersedes may have): "already so" then counts as ok. */
  markMaybeSent(rowId: number): void {
    this.#queue.markMaybeSent(rowId);
  }

  // ---- the queue (queue.ts) ----

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
    return this.#queue.claim(fileId, afterId, limit, maxRuns);
  }

  /**
   * Records an outcome together with the others that arrive in the same turn of the event loop: one transaction
   * for all of them (~3 µs a row) instead of one commit each (~60-100 µs). The promise resolves once it is
   * committed, so a worker that awaits it before taking its next row keeps the guarantee of a commit per outcome:
   * at a kill, only rows in flight or answered in the last turn lack their outcome, never more than the pool's
   * concurrency.
   */
  recordOutcomeBatched(rowId: number, outcome: RowOutcome): Promise<void> {
    return this.#queue.recordOutcomeBatched(rowId, outcome);
  }

  /** Returns claimed rows that were never handed to the API to the queue as plain pending rows. */
  release(rowIds: readonly number[]): void {
    this.#queue.release(rowIds);
  }

  /** Leaves a row without an outcome, with the reason a person will read in `Feilet` (e.g. waiting for row N). */
  leavePending(rowId: number, reason: string): void {
    this.#queue.leavePending(rowId, reason);
  }

  /** Ends a run's work on a file: every row still without an outcome has had one more run. */
  countRunForOpenRows(fileId: number): void {
    this.#queue.countRunForOpenRows(fileId);
  }

  /** Turns failed rows that may be retried back into pending ones, at the start of a run. */
  requeueFailed(fileId: number, maxRuns: number): number {
    return this.#queue.requeueFailed(fileId, maxRuns);
  }

  // ---- read back (read-back.ts) ----

  counts(fileId: number): OutcomeCounts & { pending: number; superseded: number } {
    return this.#readBack.counts(fileId);
  }

  /** Of the skipped rows, those hidden in the workbook. */
  hiddenCount(fileId: number): number {
    return this.#readBack.hiddenCount(fileId);
  }

  /** Rows without an outcome that have used up their automatic retries. */
  givenUpCount(fileId: number, maxRuns: number): number {
    return this.#readBack.givenUpCount(fileId, maxRuns);
  }

  /**
   * Rows of the given files that later runs will still send, by fleet owner ('' for the installation's own):
   * without an outcome or failed technically, with runs left (LEASINGTAKER_MAX_RUNS), in files that are not
   * unreadable. Per file, through the file's index: asking the whole ledger would read every row it holds.
   */
  waitingRowsByOwner(maxRuns: number, fileIds: Iterable<number>): Map<string, number> {
    return this.#readBack.waitingRowsByOwner(maxRuns, fileIds);
  }

  /** Lazily, in row order (within `range`, if given): a report of 200,000 rows never holds them all. */
  rowsWithStatus(fileId: number, statuses: readonly RowStatus[], range?: RowRange): Iterable<LedgerRow> {
    return this.#readBack.rowsWithStatus(fileId, statuses, range);
  }

  /**
   * What the ledger knows about a plate, oldest first, for `leasingtaker history`: its latest `limit` rows (a
   * plate may have a million, from a file that names only it) and how many it has in all.
   */
  history(
    plate: string,
    limit = Number.MAX_SAFE_INTEGER,
  ): (LedgerRow & { file: string; owner: string })[] & { total: number } {
    return this.#readBack.history(plate, limit);
  }

  // ---- retention (purge.ts) ----

  /**
   * Blanks the personal fields of files finished before `cutoff` (ISO time), keeping counts, plates, statuses
   * and hashes. Returns how many files were purged.
   */
  purgeBefore(cutoff: string): number {
    return this.#purge.purgeBefore(cutoff);
  }
}
