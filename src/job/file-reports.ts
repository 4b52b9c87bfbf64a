// One file's report set for this run: written after sending, from the ledger (`writeReports`), with its workbook
// begun while the rows are still sent (`earlyReport`, early-report.ts).

import { join } from 'node:path';
import { isOwnOrganisation, type Owner } from '../domain/owner.ts';
import { growthNotice } from '../inbox/growth.ts';
import type { LedgerRow } from '../ledger/types.ts';
import type { EarlyWorkbook } from '../report/early-workbook.ts';
import { beginEarlyWorkbook, writeFileReports } from '../report/load-writer.ts';
import { supersedeRetryFile } from '../report/supersede.ts';
import { haltNotice } from '../sending/halt.ts';
import { asSurroundingsError } from '../storage/surroundings.ts';
import { EarlyReport } from './early-report.ts';
import type { FileContext, FileResult } from './file-context.ts';

/** The file's workbook, begun while it is sent (early-report.ts). */
export function earlyReport(context: FileContext, fileId: number, startedAt: Date): EarlyReport {
  const { ledger } = context;
  return new EarlyReport({
    begin: () => {
      const file = ledger.file(fileId);
      return beginEarlyWorkbook(reportsDirFor(context, file.owner), file.name, startedAt, file.headers);
    },
    rows: (statuses, range) => ledger.rowsWithStatus(fileId, statuses, range),
    logger: context.logger,
  });
}

function reportsDirFor(context: FileContext, owner: Owner): string {
  const reportsRoot = context.settings.reports;
  return isOwnOrganisation(owner) ? reportsRoot : join(reportsRoot, owner);
}

/** The file's report set for this run (reports/), and the result the run and its metrics count. */
export async function writeReports(
  context: FileContext,
  fileId: number,
  status: FileResult['status'],
  startedAt: Date,
  early?: EarlyWorkbook,
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
  const reportsDir = reportsDirFor(context, file.owner);
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
      rowsWithStatus: (statuses, range) =>
        markGivenUp(ledger.rowsWithStatus(fileId, statuses, range), maxRuns),
      ...(notice ? { notice } : {}),
      csvDelimiter: ledger.csvDelimiter(fileId) ?? ';',
    },
    reportsDir,
    early,
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
