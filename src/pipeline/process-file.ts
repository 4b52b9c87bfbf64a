import { basename, join } from 'node:path';
import { findColumns } from '../domain/columns.ts';
import { type FleetFile, FleetFileError } from '../input/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerRow } from '../ledger/types.ts';
import type { Logger } from '../log.ts';
import { writeFileReports } from '../report/load-writer.ts';
import { supersedeRetryFile } from '../report/supersede.ts';
import type { ReportPaths } from '../report/types.ts';
import { dispatchRows, type RowSender } from './dispatch.ts';
import { layoutOf } from './file-layout.ts';
import { growthNotice, readsAsComplete } from './growth.ts';
import { ingestRows } from './ingest.ts';
import { type GrowingRead, openGrowing, statQuietly } from './read-growing.ts';
import { asSurroundingsError } from './surroundings.ts';

/** What one run shares between the files it processes. */
export interface RunContext {
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly reportsDir: string;
  /** LEASINGTAKER_MAX_RUNS: how many runs try a technically failed row before it is left for a person. */
  readonly maxRuns: number;
  /** How long a taken file must be unchanged to count as complete (growth.ts). */
  readonly restMs: number;
  readonly concurrency: number;
  readonly sheet?: string;
  /** Sends the rows of this context's fleet owner. */
  readonly sender: RowSender;
  readonly rateLimit: () => Promise<void>;
  /** Aborted when sending must stop (circuit breaker, SIGTERM, the owner's access refused). */
  readonly stopSending: AbortSignal;
  /** Aborted on SIGTERM: stop reading too. */
  readonly stopReading: AbortSignal;
  /** Why sending stopped, for the report; set by whoever aborted `stopSending`. */
  readonly stopReason: () => string | undefined;
  readonly onRowDone: (outcome: string) => void;
  readonly onRowsQueued: (rows: number) => void;
  /** Told each older file whose open rows this file's rows superseded: its report is written again. */
  readonly onSuperseded?: (fileId: number) => void;
}

export interface FileResult {
  readonly fileId: number;
  readonly name: string;
  /** The fleet owner's organisasjonsnummer, '' for the installation's own. */
  readonly owner: string;
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
export async function processFile(context: RunContext, fileId: number): Promise<FileResult> {
  const { ledger } = context;
  const record = ledger.file(fileId);
  const startedAt = new Date();
  ledger.startFileRun(fileId);
  ledger.requeueFailed(fileId, context.maxRuns);

  if (record.status === 'reading') {
    let reading: GrowingRead | undefined;
    // The file may still be written (see growth.ts): what it looked like before this read, to compare with.
    const before = await statQuietly(record.path);
    const lookBefore = before && { size: before.size, mtimeMs: before.mtimeMs, tailHeld: false };
    try {
      if (!before) throw new FleetFileError(record.path, `Finner ikke filen "${record.name}".`);
      const complete = readsAsComplete(ledger.fileLook(fileId), before, Date.now(), context.restMs);
      reading = await openGrowing(record.path, before, {
        header: findColumns,
        ...(context.sheet ? { sheet: context.sheet } : {}),
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
        fileId,
        { ...opened, rows: growing.rows },
        columns.columns,
        startedAt,
        () => {
          ledger.recordRead(fileId, growing.look(), growing.grew);
          if (growing.grew) {
            context.logger.info(
              { file: record.name, owner: record.owner || undefined },
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
      const result = await finish(context, fileId, 'unreadable', startedAt);
      ledger.setFileStatus(fileId, 'unreadable', message);
      return result;
    } finally {
      await reading?.close();
    }
  }
  await sendQueued(
    context,
    fileId,
    () => true,
    () => Promise.resolve(),
  );
  return settle(context, fileId, startedAt);
}

async function ingestAndSend(
  context: RunContext,
  fileId: number,
  fleetFile: FleetFile,
  columns: Parameters<typeof ingestRows>[1]['columns'],
  startedAt: Date,
  onReadToEnd: () => void,
): Promise<FileResult> {
  const { ledger } = context;
  const owner = ledger.file(fileId).owner;
  let ingestDone = false;
  let cursor = 0;
  let notifyRows: (() => void) | undefined;
  let notifyRoom: (() => void) | undefined;
  const moreRows = () =>
    new Promise<void>((resolve) => {
      notifyRows = resolve;
    });
  const hasRoom = () => context.stopSending.aborted || ledger.lastRowId(fileId) - cursor < READ_AHEAD;
  const room = async () => {
    while (!hasRoom() && !context.stopReading.aborted) {
      await new Promise<void>((resolve) => {
        notifyRoom = resolve;
      });
    }
  };

  const ingest = ingestRows(stopWhen(fleetFile.rows, context.stopReading), {
    ledger,
    fileId,
    owner,
    columns,
    room,
    ...(context.onSuperseded ? { onSuperseded: context.onSuperseded } : {}),
    onBatch: (rows) => {
      context.onRowsQueued(rows);
      notifyRows?.();
    },
  }).finally(async () => {
    ingestDone = true;
    notifyRows?.();
    // Every row is in the ledger: the file (and an .xlsx's shared strings) goes now, not after the report.
    await fleetFile.close();
  });
  const send = sendQueued(
    context,
    fileId,
    () => ingestDone,
    moreRows,
    (id) => {
      cursor = id;
      if (hasRoom()) notifyRoom?.();
    },
  ).finally(() => notifyRoom?.());

  const [ingested, sent] = await Promise.allSettled([ingest, send]);
  if (ingested.status === 'rejected') throw ingested.reason;
  if (sent.status === 'rejected') throw sent.reason;
  if (ingested.value === 0 && !context.stopReading.aborted) {
    const { name } = ledger.file(fileId);
    throw new FleetFileError(
      name,
      `"${name}" har bare overskriftsraden – ingen rader under den. Sjekk at det er riktig fil, og legg den inn på nytt med radene.`,
    );
  }
  // Every row is in the ledger: a later run resumes from the ledger without reading the file again (unless
  // the file changes: growth.ts).
  if (!context.stopReading.aborted) {
    onReadToEnd();
    ledger.setFileStatus(fileId, 'sending');
  }
  return settle(context, fileId, startedAt);
}

function sendQueued(
  context: RunContext,
  fileId: number,
  ingestDone: () => boolean,
  moreRows: () => Promise<void>,
  onCursor: (id: number) => void = () => {},
): Promise<void> {
  if (context.stopSending.aborted) return Promise.resolve();
  return dispatchRows({
    ledger: context.ledger,
    fileId,
    sender: context.sender,
    concurrency: context.concurrency,
    maxRuns: context.maxRuns,
    rateLimit: context.rateLimit,
    signal: context.stopSending,
    ingestDone,
    moreRows,
    onRowDone: context.onRowDone,
    onCursor,
  });
}

/** After sending: the file is done unless the run stopped early, then its report is written either way. */
async function settle(context: RunContext, fileId: number, startedAt: Date): Promise<FileResult> {
  const { ledger } = context;
  ledger.countRunForOpenRows(fileId);
  const interrupted = context.stopSending.aborted || context.stopReading.aborted;
  const done = !interrupted && ledger.file(fileId).status !== 'reading';
  const result = await finish(context, fileId, interrupted ? 'interrupted' : 'done', startedAt);
  // Done only once the report is out: a run killed while writing it leaves the file to the next run, which
  // writes the report (the rows all have their outcome, so nothing is sent again).
  if (done) ledger.setFileStatus(fileId, 'done');
  return result;
}

async function finish(
  context: RunContext,
  fileId: number,
  status: FileResult['status'],
  startedAt: Date,
): Promise<FileResult> {
  const { ledger } = context;
  const file = ledger.file(fileId);
  const counts = ledger.counts(fileId);
  const grown = growthNotice(
    { grew: file.grew, look: ledger.fileLook(fileId), unreadable: status === 'unreadable' },
    Date.now(),
    context.restMs,
  );
  const stopped = status === 'interrupted' ? context.stopReason() : undefined;
  const notice = [stopped, grown].filter(Boolean).join(' ');
  const givenUp = ledger.givenUpCount(fileId, context.maxRuns);
  const reportsDir = file.owner ? join(context.reportsDir, file.owner) : context.reportsDir;
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
      rowsWithStatus: (statuses) => markGivenUp(ledger.rowsWithStatus(fileId, statuses), context.maxRuns),
      ...(notice ? { notice } : {}),
      csvDelimiter: ledger.csvDelimiter(fileId) ?? ';',
    },
    reportsDir,
  ).catch((error: unknown) => {
    // A full or unwritable reports folder stops the run (run.ts); the file is left unfinished until then.
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
async function markPreviousRetryFile(context: RunContext, fileId: number, retry: string | null) {
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

async function* stopWhen<T>(rows: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const row of rows) {
    if (signal.aborted) return;
    yield row;
  }
}
