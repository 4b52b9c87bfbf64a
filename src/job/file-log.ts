import { ownerLogField } from '../domain/owner.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerRow } from '../ledger/types.ts';
import type { Logger } from '../log.ts';
import type { FileResult } from './file-context.ts';

/**
 * The log line of one file, as operations read it: `info` with the counts when all is well; `warn`, naming the
 * file and the reason, when the file could not be read or rows were given up after LEASINGTAKER_MAX_RUNS.
 * (The log's own net masks anything shaped like a fødselsnummer in the name and the reason.)
 */
export function logFileResult(logger: Logger, ledger: Ledger, result: FileResult, maxRuns: number): void {
  const fields = {
    file: result.name,
    owner: ownerLogField(result.owner),
    status: result.status,
    ...result.counts,
    ...(result.givenUp > 0 ? { givenUp: result.givenUp } : {}),
  };
  if (result.status === 'unreadable') {
    const reason = result.error ?? 'no reason recorded';
    logger.warn({ ...fields, reason }, `${result.name}: could not be read: ${reason}`);
    return;
  }
  logger.info(fields, `${result.name}: ${describeCounts(result.counts)}`);
  if (result.givenUp > 0) {
    const reasons = givenUpReasons(
      ledger.rowsWithStatus(result.fileId, ['failed', 'pending', 'sending']),
      maxRuns,
    );
    logger.warn(
      { ...fields, reasons },
      `${result.name}: ${result.givenUp} row(s) given up after ${maxRuns} run(s) (LEASINGTAKER_MAX_RUNS): ` +
        `${reasons.map(({ reason, rows }) => `${reason} (${rows})`).join(', ')}. They are in the report's ` +
        'Feilet sheet and the retry file; the next runs leave them alone.',
    );
  }
}

/** The most frequent reasons of the given-up rows, as a status or error code: never a row's own data. */
export function givenUpReasons(
  rows: Iterable<LedgerRow>,
  maxRuns: number,
): { reason: string; rows: number }[] {
  const tally = new Map<string, number>();
  for (const row of rows) {
    if (row.runs < maxRuns) continue;
    const reason =
      row.httpStatus !== null
        ? `HTTP ${row.httpStatus}`
        : (row.errorCode ?? (row.status === 'failed' ? 'failed' : 'not sent, the run stopped first'));
    tally.set(reason, (tally.get(reason) ?? 0) + 1);
  }
  return [...tally]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([reason, count]) => ({ reason, rows: count }));
}

export function describeCounts(counts: FileResult['counts']): string {
  return (
    `${counts.rows} rows: ${counts.ok} ok, ${counts.stopped} stopped, ${counts.failed} failed` +
    `${counts.pending ? ` (${counts.pending} not sent yet)` : ''}, ${counts.invalid} invalid, ${counts.skipped} skipped`
  );
}
