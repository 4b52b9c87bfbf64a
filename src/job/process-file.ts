import { basename } from 'node:path';
import { findColumns } from '../domain/columns.ts';
import { ownerLogField } from '../domain/owner.ts';
import { readsAsComplete } from '../inbox/growth.ts';
import { type GrowingRead, openGrowing, statQuietly } from '../inbox/read-growing.ts';
import { type FleetFile, FleetFileError } from '../input/types.ts';
import type { FileRecord } from '../ledger/types.ts';
import { dispatchRows } from '../sending/dispatch.ts';
import type { EarlyReport } from './early-report.ts';
import type { FileContext, FileResult } from './file-context.ts';
import { layoutOf } from './file-layout.ts';
import { earlyReport, writeReports } from './file-reports.ts';
import { ingestRows } from './ingest.ts';
import { ReadAheadWindow } from './read-ahead.ts';

/** How far the reader may run ahead of the worker pool, in rows. */
const READ_AHEAD = 2_000;

/**
 * One file's way through the run: read and validate into the ledger while the worker pool sends from it, then
 * the report. Works the same for a new file, a file a crashed run left half done, and a finished file that
 * still holds rows to retry.
 */
export async function processFile(context: FileContext, record: FileRecord): Promise<FileResult> {
  const startedAt = new Date();
  const early = earlyReport(context, record.id, startedAt);
  try {
    return await readSendAndReport(context, record, startedAt, early);
  } finally {
    // Only a workbook no report took: the file could not be read, or the run failed on the way.
    await early.discard();
  }
}

async function readSendAndReport(
  context: FileContext,
  record: FileRecord,
  startedAt: Date,
  early: EarlyReport,
): Promise<FileResult> {
  const { ledger } = context;
  const fileId = record.id;
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
        { startedAt, early },
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
  // Read before: every row is in the ledger already.
  early.begin();
  await sendQueued(context, fileId, ReadAheadWindow.readerAlreadyDone(), early);
  return closeFileRun(context, fileId, startedAt, early);
}

async function ingestAndSend(
  context: FileContext,
  record: FileRecord,
  fleetFile: FleetFile,
  columns: Parameters<typeof ingestRows>[1]['columns'],
  { startedAt, early }: { readonly startedAt: Date; readonly early: EarlyReport },
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
  // The report's workbook begins once the file is closed: the reader's memory and the writer's never add up.
  ingest.then(
    (rows) => rows > 0 && !context.terminate.aborted && early.begin(),
    () => {},
  );
  const send = sendQueued(context, fileId, window, early).finally(() => window.senderDone());

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
  return closeFileRun(context, fileId, startedAt, early);
}

function sendQueued(
  context: FileContext,
  fileId: number,
  window: ReadAheadWindow,
  early: EarlyReport,
): Promise<void> {
  if (context.lane.halted.aborted) return Promise.resolve();
  return dispatchRows({
    ledger: context.ledger,
    fileId,
    lane: context.lane,
    maxRuns: context.settings.maxRuns,
    window,
    onRowDone: context.events.onRowDone,
    onSettled: (below) => early.settled(below),
  });
}

/**
 * After sending: this run's part of the file ends. The report is written either way; the file is done unless
 * sending or reading halted.
 */
async function closeFileRun(
  context: FileContext,
  fileId: number,
  startedAt: Date,
  early: EarlyReport,
): Promise<FileResult> {
  const { ledger } = context;
  ledger.countRunForOpenRows(fileId);
  const interrupted = context.lane.halted.aborted || context.terminate.aborted;
  // The status read again, not the record's: reading the file to its end moved it from 'reading' to 'sending'.
  const done = !interrupted && ledger.file(fileId).status !== 'reading';
  const status = interrupted ? 'interrupted' : 'done';
  const result = await writeReports(context, fileId, status, startedAt, await early.handOver());
  // Done only once the report is out: a run killed while writing it leaves the file to the next run, which
  // writes the report (the rows all have their outcome, so nothing is sent again).
  if (done) ledger.setFileStatus(fileId, 'done');
  return result;
}

async function* haltWhen<T>(rows: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const row of rows) {
    if (signal.aborted) return;
    yield row;
  }
}
