import { basename, join } from 'node:path';
import type { RunSettings } from '../config.ts';
import { findColumns } from '../domain/columns.ts';
import type { RowOutcome } from '../domain/outcome.ts';
import { isOwnOrganisation, type Owner, ownerLogField } from '../domain/owner.ts';
import { growthNotice, readsAsComplete } from '../inbox/growth.ts';
import { type GrowingRead, openGrowing, statQuietly } from '../inbox/read-growing.ts';
import { type FleetFile, FleetFileError } from '../input/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { FileRecord, LedgerRow } from '../ledger/types.ts';
import type { Logger } from '../log.ts';
import { writeFileReports } from '../report/load-writer.ts';
import { supersedeRetryFile } from '../report/supersede.ts';
import type { ReportPaths } from '../report/types.ts';
import { dispatchRows } from '../sending/dispatch.ts';
import { haltNotice } from '../sending/halt.ts';
import type { SendLane } from '../sending/row-sender.ts';
import { asSurroundingsError } from '../storage/surroundings.ts';
import { layoutOf } from './file-layout.ts';
import { ingestRows } from './ingest.ts';
import { ReadAheadWindow } from './read-ahead.ts';

/** What one file's way through the run needs: the run's settings, the owner's lane, and whom to tell. */
export interface FileContext {
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly settings: Pick<RunSettings, 'reports' | 'maxRuns' | 'sheet'>;
  /** How long a taken file must be unchanged to count as complete (inbox/growth.ts). */
  readonly restMs: number;
  /** The owner's way to the API; its `halted` signal says whether, and why, sending halted. */
  readonly lane: SendLane;
  /** Aborted on SIGTERM: reading halts too. */
  readonly terminate: AbortSignal;
  readonly events: FileEvents;
}

export interface FileEvents {
  readonly onRowDone: (outcome: RowOutcome['kind']) => void;
  readonly onRowsQueued: (rows: number) => void;
  /** Told each older file whose open rows this file's rows superseded: its report is written again. */
  readonly onSuperseded?: (fileId: number) => void;
}

export interface FileResult {
  readonly fileId: number;
  readonly name: string;
  readonly owner: Owner;
  readonly status: 'done' | 'interrupted' | 'unreadable';
  readonly counts: ReturnType<Ledger['counts']>;
  /** Rows without an outcome that have had all their LEASINGTAKER_MAX_RUNS runs: a person has to look. */
  readonly givenUp: number;
  /** Why an unreadable file could not be read, in the words of its report. */
  readonly error?: string;
  readonly reports: ReportPaths;
}

/** How far the reader may run ahead of the worker pool, in rows. */
const READ_AHEAD = 2_000;

/**
 * One file's way through the run: read and validate into the ledger while the worker pool sends from it, then
 * the report. Works the same for a new file, a file a crashed run left half done, and a finished file that
 * still holds rows to retry.
 */
export async function processFile(context: FileContext, record: FileRecord): Promise<FileResult> {
  const { ledger } = context;
  const fileId = record.id;
  const startedAt = new Date();
  ledger.startFileRun(fileId);
  ledger.requeueFailed(fileId, context.settings.maxRuns);

  if (record.status === 'reading') {
    let reading: GrowingRead | undefined;
    // The file may still be written (see inbox/growth.ts): what it looked like before this read, to compare with.
    const before = await statQuietly(record.path);
    const lookBefore = before && { size: before.size, mtimeMs: before.mtimeMs, tailHeld: false };
    try {
      if (!before) throw new FleetFileError(record.path, `Finner ikke filen "${record.name}".`);
      const complete = readsAsComplete(ledger.fileLook(fileId), before, Date.now(), context.restMs);
      reading = await openGrowing(record.path, before, {
        header: findColumns,
        ...(context.settings.sheet ? { sheet: context.settings.sheet } : {}),
        complete,
      });
      const opened = reading.file;
      const columns = findColumns(opened.headers);
      if (!columns.ok) throw new FleetFileError(record.name, columns.message);
      const delimiter = opened.format === 'csv' ? opened.delimiter : null;
      ledger.setFileHeaders(fileId, opened.headers, opened.headerRowNumber, delimiter);
      ledger.setFileLayout(fileId, layoutOf(opened));
      const growing = reading;
      return await ingestAndSend(
        context,
        record,
        { ...opened, rows: growing.rows },
        columns.columns,
        startedAt,
        () => {
          ledger.recordRead(fileId, growing.look(), growing.grew);
          if (growing.grew) {
            context.logger.info(
              { file: record.name, owner: ownerLogField(record.owner) },
              `${record.name} grew while it was read (still being written): read again for its new rows.`,
            );
          }
        },
      );
    } catch (error) {
      if (!(error instanceof FleetFileError)) throw error;
      // The readers name the file they opened, the archived copy; staff know it by the name they gave it.
      const message = error.message.replaceAll(basename(record.path), record.name);
      // A half-written workbook is unreadable until it is complete: the next runs read it again once it changed.
      // A file read to the end but refused (only a header, and a last line held back) keeps what that read saw.
      const look = reading?.lookIfRead() ?? lookBefore;
      if (look) ledger.recordRead(fileId, look, reading?.grew ?? false);
      // The file is marked unreadable only once its report is out: killed in between, the next run reads (and
      // refuses) it again and writes the report then.
      ledger.setFileStatus(fileId, 'reading', message);
      const result = await writeReports(context, fileId, 'unreadable', startedAt);
      ledger.setFileStatus(fileId, 'unreadable', message);
      return result;
    } finally {
      await reading?.close();
    }
  }
  await sendQueued(context, fileId, ReadAheadWindow.readerAlreadyDone());
  return closeFileRun(context, fileId, startedAt);
}

async function ingestAndSend(
  context: FileContext,
  record: FileRecord,
  fleetFile: FleetFile,
  columns: Parameters<typeof ingestRows>[1]['columns'],
  startedAt: Date,
  onReadToEnd: () => void,
): Promise<FileResult> {
  const { ledger } = context;
  const fileId = record.id;
  const window = new ReadAheadWindow({
    size: READ_AHEAD,
    lastRowId: () => ledger.lastRowId(fileId),
    sendingHalted: context.lane.halted,
    readingHalted: context.terminate,
  });

  const ingest = ingestRows(haltWhen(fleetFile.rows, context.terminate), {
    ledger,
    fileId,
    owner: record.owner,
    columns,
    room: () => window.roomToRead(),
    ...(context.events.onSuperseded ? { onSuperseded: context.events.onSuperseded } : {}),
    onBatch: (rows) => {
      context.events.onRowsQueued(rows);
      window.rowsAdded();
    },
  }).finally(async () => {
    window.readerDone();
    // Every row is in the ledger: the file (and an .xlsx's shared strings) goes now, not after the report.
    await fleetFile.close();
  });
  const send = sendQueued(context, fileId, window).finally(() => window.senderDone());

  const [ingested, sent] = await Promise.allSettled([ingest, send]);
  if (ingested.status === 'rejected') throw ingested.reason;
  if (sent.status === 'rejected') throw sent.reason;
  if (ingested.value === 0 && !context.terminate.aborted) {
    const { name } = record;
    throw new FleetFileError(
      name,
      `"${name}" har bare overskriftsraden – ingen rader under den. Sjekk at det er riktig fil, og legg den inn på nytt med radene.`,
    );
  }
  // Every row is in the ledger: a later run resumes from the ledger without reading the file again (unless
  // the file changes: inbox/growth.ts).
  if (!context.terminate.aborted) {
    onReadToEnd();
    ledger.setFileStatus(fileId, 'sending');
  }
  return closeFileRun(context, fileId, startedAt);
}

function sendQueued(context: FileContext, fileId: number, window: ReadAheadWindow): Promise<void> {
  if (context.lane.halted.aborted) return Promise.resolve();
  return dispatchRows({
    ledger: context.ledger,
    fileId,
    lane: context.lane,
    maxRuns: context.settings.maxRuns,
    window,
    onRowDone: context.events.onRowDone,
  });
}

/**
 * After sending: this run's part of the file ends. The report is written either way; the file is done unless
 * sending or reading halted.
 */
async function closeFileRun(context: FileContext, fileId: number, startedAt: Date): Promise<FileResult> {
  const { ledger } = context;
  ledger.countRunForOpenRows(fileId);
  const interrupted = context.lane.halted.aborted || context.terminate.aborted;
  // The status read again, not the record's: reading the file to its end moved it from 'reading' to 'sending'.
  const done = !interrupted && ledger.file(fileId).status !== 'reading';
  const result = await writeReports(context, fileId, interrupted ? 'interrupted' : 'done', startedAt);
  // Done only once the report is out: a run killed while writing it leaves the file to the next run, which
  // writes the report (the rows all have their outcome, so nothing is sent again).
  if (done) ledger.setFileStatus(fileId, 'done');
  return result;
}

/** The file's report set for this run (reports/), and the result the run and its metrics count. */
async function writeReports(
  context: FileContext,
  fileId: number,
  status: FileResult['status'],
  startedAt: Date,
): Promise<FileResult> {
  const { ledger } = context;
  const { maxRuns } = context.settings;
  // Read again, not passed in: this run wrote the file's headers, layout, growth and error since it began.
  const file = ledger.file(fileId);
  const counts = ledger.counts(fileId);
  const grown = growthNotice(
    { grew: file.grew, look: ledger.fileLook(fileId), unreadable: status === 'unreadable' },
    Date.now(),
    context.restMs,
  );
  const halted = status === 'interrupted' ? haltNotice(context.lane.halted.reason) : undefined;
  const notice = [halted, grown].filter(Boolean).join(' ');
  const givenUp = ledger.givenUpCount(fileId, maxRuns);
  const reportsRoot = context.settings.reports;
  const reportsDir = isOwnOrganisation(file.owner) ? reportsRoot : join(reportsRoot, file.owner);
  const reports = await writeFileReports(
    {
      file,
      runStartedAt: startedAt,
      runFinishedAt: new Date(),
      counts,
      pending: counts.pending,
      hidden: ledger.hiddenCount(fileId),
      superseded: counts.superseded,
      givenUp,
      rowsWithStatus: (statuses) => markGivenUp(ledger.rowsWithStatus(fileId, statuses), maxRuns),
      ...(notice ? { notice } : {}),
      csvDelimiter: ledger.csvDelimiter(fileId) ?? ';',
    },
    reportsDir,
  ).catch((error: unknown) => {
    // A full or unwritable reports folder halts the run (halt.ts); the file is left unfinished until then.
    throw asSurroundingsError(error, 'reports', reportsDir) ?? error;
  });
  await markPreviousRetryFile(context, fileId, reports.retry);
  const error = status === 'unreadable' && file.error ? { error: file.error } : {};
  return { fileId, name: file.name, owner: file.owner, status, counts, givenUp, ...error, reports };
}

/**
 * An earlier run's retry file of this file is out of date once this report set is out (an interrupted run's
 * says "Ikke sendt ennå" about rows sent since): it gets `.erstattet` in its name. A failure to rename costs
 * only the mark, never the run.
 */
async function markPreviousRetryFile(context: FileContext, fileId: number, retry: string | null) {
  const { ledger } = context;
  try {
    await supersedeRetryFile(ledger.retryReport(fileId), retry);
  } catch (error) {
    context.logger.warn({ err: error, fileId }, 'Could not mark the previous retry file as superseded');
  }
  ledger.setRetryReport(fileId, retry);
}

/** Rows without an outcome that the next runs will not try again: a person has to look at them. */
function* markGivenUp(rows: Iterable<LedgerRow>, maxRuns: number): Iterable<LedgerRow> {
  for (const row of rows) {
    const open = row.status === 'failed' || row.status === 'pending' || row.status === 'sending';
    yield open && row.runs >= maxRuns ? { ...row, givenUp: true } : row;
  }
}

async function* haltWhen<T>(rows: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const row of rows) {
    if (signal.aborted) return;
    yield row;
  }
}
