import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ColumnMap } from '../domain/columns.ts';
import { checkAgainstPrevious, identityKey, type PlateLast } from '../domain/row-sequence.ts';
import type { CheckedRow, RawRow, ValidRow } from '../domain/types.ts';
import { validateRow } from '../domain/validate-row.ts';
import type { Ledger, PreviousRow, SupersededRow } from '../ledger/ledger.ts';

/**
 * Rows written to the ledger per transaction (~3 µs a row batched, against ~17 µs one by one), and read between
 * two turns of the event loop. A row costs 40-100 µs on its way in (validation, the ledger's look-ups, the
 * write), and while a batch is on its way, every answer from the API waits, and with it every slot of the pool:
 * 256 rows held all of them for 10-25 ms at a time while a file was read.
 */
export const INGEST_BATCH_ROWS = 64;

export interface IngestOptions {
  readonly ledger: Ledger;
  readonly fileId: number;
  readonly owner: string;
  readonly columns: ColumnMap;
  /**
   * Resolves when the queue has room. The reader is not pulled while it waits: that is the backpressure that
   * keeps memory flat however large the file.
   */
  readonly room: () => Promise<void>;
  /** Called after each batch reaches the ledger with how many of its rows were queued for sending. */
  readonly onBatch: (queued: number) => void;
  /** Told each older file whose open rows a row of this file superseded (its report must say so). */
  readonly onSuperseded?: (fileId: number) => void;
}

/**
 * Streams rows from the reader through validation into the ledger. Idempotent: after a crash the same file is
 * read again and rows already recorded are passed over, so nothing is added twice.
 */
export async function ingestRows(rows: AsyncIterable<RawRow>, options: IngestOptions): Promise<number> {
  const { ledger, fileId } = options;
  const superseding = new Superseding();
  let batch: (CheckedRow | HiddenRow)[] = [];
  let total = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const rowsToWrite = batch;
    batch = [];
    // Synchronous from BEGIN to COMMIT: no other task can slip its own writes into this transaction.
    let queued = 0;
    ledger.transaction(() => {
      for (const row of rowsToWrite) if (record(options, row, superseding)) queued += 1;
    });
    options.onBatch(queued);
  };
  // Only a file read before (resumed after a crash) has rows to pass over, and only up to the last recorded.
  const recordedUpTo = ledger.lastRowNumber(fileId);
  for await (const raw of rows) {
    total += 1;
    if (raw.rowNumber <= recordedUpTo && ledger.hasRow(fileId, raw.rowNumber)) continue;
    batch.push(raw.hidden ? hiddenRow(raw, options.columns) : validateRow(raw, options.columns));
    if (batch.length >= INGEST_BATCH_ROWS) {
      flush();
      await options.room();
      // Room may be there at once (a resolved promise): the answers that came in meanwhile go first.
      await nextTurn();
    }
  }
  flush();
  return total;
}

/** A row hidden in the workbook: the clerk did not see it, so it is recorded as skipped and never sent. */
interface HiddenRow {
  readonly kind: 'hidden';
  readonly rowNumber: number;
  readonly cells: readonly string[];
  readonly plate: string;
  readonly handling: ValidRow['request']['handling'] | null;
}

function hiddenRow(raw: RawRow, columns: ColumnMap): HiddenRow {
  // Read as usual only to show the plate and action as the other sheets do; its problems, if any, don't matter.
  const checked = validateRow(raw, columns);
  return {
    kind: 'hidden',
    rowNumber: raw.rowNumber,
    cells: raw.cells,
    plate:
      checked.kind === 'valid'
        ? checked.request.kjennemerke
        : (raw.cells[columns.kjennemerke.index] ?? '').trim(),
    handling: checked.kind === 'valid' ? checked.request.handling : null,
  };
}

/** Records one row; true when it was queued for sending (not invalid, not skipped). */
function record(options: IngestOptions, row: CheckedRow | HiddenRow, superseding: Superseding): boolean {
  const { ledger, fileId, columns } = options;
  if (row.kind === 'hidden') {
    ledger.addHiddenRow(fileId, row.rowNumber, row.plate, row.handling, row.cells);
    return false;
  }
  if (row.kind === 'invalid') {
    const plateCell = row.cells[columns.kjennemerke.index] ?? '';
    ledger.addInvalidRow(fileId, row.rowNumber, plateCell.trim(), null, row.problems, row.cells);
    return false;
  }
  const plate = row.request.kjennemerke;
  const previous = ledger.previousRowForPlate(fileId, plate, row.rowNumber);
  const problem = checkAgainstPrevious(previous && plateLast(previous), row, columns.kjennemerke.header);
  if (problem) {
    ledger.addInvalidRow(fileId, row.rowNumber, plate, row.request.handling, [problem], row.cells);
    return false;
  }
  // The same change still open in an older file (failed, pending, maybe sent: the retry file dropped before the
  // original's automatic retry, say): this newer row takes its place, and that row and the plate's open rows
  // after it are closed as superseded. The newer file is the later word on the plate from that change on.
  const repeated = ledger.repeatedOpenRow(fileId, row.request);
  // A row whose change already went through in an earlier file, and is still the plate's latest state, is not
  // sent again. Only when the file itself has no earlier row for the plate (within a file, order decides), and
  // no older file still holds a change of the plate open (then the latest success is not the state yet).
  if (!previous && !repeated) {
    const earlier = ledger.latestSuccessElsewhere(options.owner, plate, fileId);
    if (earlier && isSameChange(ledger, earlier, row) && !ledger.olderOpenRow(fileId, plate)) {
      ledger.addValidRow(fileId, row.rowNumber, row.request, row.cells, earlier.rowId);
      return false;
    }
  }
  const id = ledger.addValidRow(fileId, row.rowNumber, row.request, row.cells);
  if (repeated) {
    const closed = ledger.supersede(repeated, id, plate, fileId);
    for (const older of closed.files) options.onSuperseded?.(older);
    // The older row may have gone through: then so may "this" change have, and "already so" means done.
    if (repeated.maybeSent) ledger.markMaybeSent(id);
    superseding.remember(plate, closed.after);
  } else if (superseding.has(plate)) {
    // A later row of this file that makes the change of one of the rows closed above takes it over, so that
    // "erstattet av <fil>, rad N" names the row that does the same.
    const taken = superseding.take(
      plate,
      row.request.handling,
      ledger.identityHash(row.request.leasingtakerId),
    );
    if (taken) {
      ledger.repoint(taken.id, id);
      if (taken.maybeSent) ledger.markMaybeSent(id);
    }
  }
  return true;
}

function plateLast(previous: PreviousRow): PlateLast {
  return {
    rowNumber: previous.rowNumber,
    handling: previous.request.handling,
    identityKey: identityKey(previous.request.leasingtakerId),
    etternavn: previous.request.etternavn ?? '',
  };
}

function isSameChange(
  ledger: Ledger,
  earlier: { handling: string; identityHash: string },
  row: ValidRow,
): boolean {
  return (
    earlier.handling === row.request.handling &&
    earlier.identityHash === ledger.identityHash(row.request.leasingtakerId)
  );
}

/**
 * Rows this file's rows superseded, per plate, for later rows of the file to take over. In memory, bounded: a
 * thousand rows a plate (the ledger returns no more) and a thousand plates; past that a superseded row names
 * the row that closed it instead of its counterpart, which is still true.
 */
class Superseding {
  readonly #byPlate = new Map<string, SupersededRow[]>();

  remember(plate: string, rows: readonly SupersededRow[]): void {
    if (rows.length === 0) return;
    if (this.#byPlate.size >= 1_000 && !this.#byPlate.has(plate)) {
      const oldest = this.#byPlate.keys().next().value;
      if (oldest !== undefined) this.#byPlate.delete(oldest);
    }
    this.#byPlate.set(plate, [...(this.#byPlate.get(plate) ?? []), ...rows].slice(0, 1_000));
  }

  has(plate: string): boolean {
    return this.#byPlate.has(plate);
  }

  /** The first remembered row of the plate that makes this change, no longer remembered after. */
  take(plate: string, handling: string, identityHash: string): SupersededRow | undefined {
    const rows = this.#byPlate.get(plate);
    if (!rows) return undefined;
    const at = rows.findIndex((row) => row.handling === handling && row.identityHash === identityHash);
    if (at === -1) return undefined;
    const [taken] = rows.splice(at, 1);
    if (rows.length === 0) this.#byPlate.delete(plate);
    return taken;
  }
}
