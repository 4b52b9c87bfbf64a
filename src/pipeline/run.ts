import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { claimFile } from './claim-file.ts';
import type { RowSender } from './dispatch.ts';
import { findReadyFiles } from './inbox.ts';
import { type FileResult, processFile } from './process-file.ts';
import { createRateLimit } from './rate-limit.ts';
import { acquireRunLock } from './run-lock.ts';

export interface RunSettings {
  readonly inbox: string;
  readonly reports: string;
  readonly state: string;
  readonly archive: string;
  readonly concurrency: number;
  readonly maxRps?: number;
  readonly maxRuns: number;
  readonly settleMs: number;
  readonly sheet?: string;
}

/** How the run reaches the API; built by the caller from the configuration, per fleet owner. */
export interface SenderFactory {
  /**
   * A sender for the owner's rows. `stop` is called with a reason when the sender decides the run must stop
   * sending (the circuit breaker opened).
   */
  senderFor(owner: string, stop: (reason: string) => void): RowSender;
  /** Fetches a token for the owner, so that configuration errors abort the run before any row is sent. */
  checkAccess(owner: string): Promise<void>;
}

export interface RunHooks {
  readonly onFileStart?: (name: string) => void;
  readonly onRowsQueued?: (rows: number) => void;
  readonly onRowDone?: (outcome: string) => void;
  readonly onFileDone?: (result: FileResult) => void;
}

export type ExitCode = 0 | 1 | 2;

export interface RunResult {
  readonly files: readonly FileResult[];
  readonly exitCode: ExitCode;
  /** Set when the run stopped early: circuit breaker, SIGTERM, authentication. */
  readonly stopReason?: string;
}

/**
 * One run: everything waiting in the inbox, what an earlier run left unfinished, and rows due for an automatic
 * retry. Exit code 0 when every row reached a business outcome, 1 when something needs attention, 2 when the
 * configuration or authentication stopped the run before it could send.
 */
export async function runInbox(
  settings: RunSettings,
  factory: SenderFactory,
  logger: Logger,
  terminate: AbortSignal,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const release = await acquireRunLock(settings.state);
  const ledger = Ledger.open(settings.state);
  try {
    return await runLocked(settings, factory, logger, terminate, hooks, ledger);
  } finally {
    ledger.close();
    await release();
  }
}

async function runLocked(
  settings: RunSettings,
  factory: SenderFactory,
  logger: Logger,
  terminate: AbortSignal,
  hooks: RunHooks,
  ledger: Ledger,
): Promise<RunResult> {
  for (const dir of [settings.inbox, settings.reports, settings.archive])
    await mkdir(dir, { recursive: true });

  forgetUnmovedFiles(ledger, logger);
  const { ready, ignored } = await findReadyFiles(settings.inbox, settings.settleMs);
  for (const entry of ignored) logger.info({ file: entry.path }, `Left alone: ${entry.reason}`);

  const resumed = ledger.unfinishedFiles().map((file) => file.id);
  const retries = ledger.filesWithRetryableRows(settings.maxRuns).map((file) => file.id);
  if (ready.length === 0 && resumed.length === 0 && retries.length === 0) {
    logger.info('Nothing to do: the inbox is empty and no rows are waiting for a retry.');
    return { files: [], exitCode: 0 };
  }

  // A key, client id or scope that doesn't work is the same for every row: find out before taking any file.
  const owners = new Set([
    ...ready.map((file) => file.owner),
    ...[...resumed, ...retries].map((id) => ledger.file(id).owner),
  ]);
  try {
    for (const owner of owners) await factory.checkAccess(owner);
  } catch (error) {
    if (error instanceof MaskinportenError) {
      logger.error({ kind: error.kind, oauthError: error.oauthError }, error.message);
      return { files: [], exitCode: 2, stopReason: error.message };
    }
    throw error;
  }

  const stopSending = new AbortController();
  let stopReason: string | undefined;
  let authError: MaskinportenError | undefined;
  const stop = (reason: string) => {
    if (stopSending.signal.aborted) return;
    stopReason = reason;
    logger.warn(`Sending stopped: ${reason}`);
    stopSending.abort();
  };
  const onTerminate = () =>
    stop('Kjøringen ble avbrutt (SIGTERM). Rader som ikke ble sendt, sendes ved neste kjøring.');
  terminate.addEventListener('abort', onTerminate, { once: true });
  if (terminate.aborted) onTerminate();

  const senders = new Map<string, RowSender>();
  const context = {
    ledger,
    logger,
    reportsDir: settings.reports,
    maxRuns: settings.maxRuns,
    concurrency: settings.concurrency,
    ...(settings.sheet ? { sheet: settings.sheet } : {}),
    senderFor: (owner: string) => {
      let sender = senders.get(owner);
      if (!sender) {
        sender = guardAuth(factory.senderFor(owner, stop), (error) => {
          authError ??= error;
          stop(`Maskinporten avviste tilgangen: ${error.message}`);
        });
        senders.set(owner, sender);
      }
      return sender;
    },
    rateLimit: createRateLimit(settings.maxRps),
    stopSending: stopSending.signal,
    stopReading: terminate,
    stopReason: () => stopReason,
    onRowDone: hooks.onRowDone ?? (() => {}),
    onRowsQueued: hooks.onRowsQueued ?? (() => {}),
  };

  const results: FileResult[] = [];
  const work = async (fileId: number) => {
    const file = ledger.file(fileId);
    hooks.onFileStart?.(file.name);
    const result = await processFile(context, fileId);
    results.push(result);
    hooks.onFileDone?.(result);
    logger.info(
      { file: result.name, owner: file.owner || undefined, status: result.status, ...result.counts },
      `${result.name}: ${describeCounts(result.counts)}`,
    );
  };

  // Unfinished work first: it is older than anything in the inbox.
  for (const fileId of [...resumed, ...retries]) {
    if (terminate.aborted) break;
    await work(fileId);
  }
  for (const file of ready) {
    if (terminate.aborted) break;
    const fileId = await claimFile(ledger, settings.archive, file);
    await work(fileId);
  }
  terminate.removeEventListener('abort', onTerminate);

  const needsAttention = results.some((result) => result.status !== 'done' || result.counts.failed > 0);
  const exitCode: ExitCode = authError ? 2 : needsAttention || stopSending.signal.aborted ? 1 : 0;
  return { files: results, exitCode, ...(stopReason ? { stopReason } : {}) };
}

/** Authentication errors are configuration: they stop the run instead of failing the row. */
function guardAuth(sender: RowSender, onAuthError: (error: MaskinportenError) => void): RowSender {
  return {
    async send(request, options) {
      try {
        return await sender.send(request, options);
      } catch (error) {
        if (error instanceof MaskinportenError) {
          onAuthError(error);
          throw new DOMException('Sending stopped', 'AbortError');
        }
        throw error;
      }
    },
  };
}

/**
 * A record whose file never reached the archive (a crash between recording and moving it) is forgotten, so
 * the file, still in the inbox, is taken anew. A record whose rows exist but whose file vanished from the
 * archive can't be resumed from the file; it is marked unreadable and kept.
 */
function forgetUnmovedFiles(ledger: Ledger, logger: Logger): void {
  for (const file of ledger.unfinishedFiles()) {
    if (file.status !== 'reading' || existsSync(file.path)) continue;
    if (ledger.lastRowId(file.id) === 0) ledger.forgetFile(file.id);
    else {
      logger.error(
        { file: file.name },
        'The archived copy of an unfinished file is missing; it cannot be resumed.',
      );
      ledger.setFileStatus(file.id, 'unreadable', 'Filen mangler i arkivet og kan ikke leses videre.');
    }
  }
}

function describeCounts(counts: FileResult['counts']): string {
  return (
    `${counts.rows} rows: ${counts.ok} ok, ${counts.stopped} stopped, ${counts.failed} failed` +
    `${counts.pending ? ` (${counts.pending} not sent yet)` : ''}, ${counts.invalid} invalid, ${counts.skipped} skipped`
  );
}
