import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { claimFile } from './claim-file.ts';
import type { RowSender } from './dispatch.ts';
import { FairPool } from './fair-pool.ts';
import { findReadyFiles, type InboxFile } from './inbox.ts';
import { type FileResult, processFile, type RunContext } from './process-file.ts';
import { createRateLimit } from './rate-limit.ts';
import { applyRetention } from './retention.ts';
import { acquireRunLock } from './run-lock.ts';

export interface RunSettings {
  /** LEASINGTAKER_INBOX, default `./inbox`: where staff drop fleet files; sub-folders named by orgnr for delegated owners. */
  readonly inbox: string;
  /** LEASINGTAKER_REPORTS, default `./reports`: result spreadsheets, summaries and retry files. */
  readonly reports: string;
  /** LEASINGTAKER_STATE, default `./state`: the ledger and the run lock. Keep it; it is the job's memory. */
  readonly state: string;
  /** LEASINGTAKER_ARCHIVE, default `./archive`: every input file after it is taken, kept for LEASINGTAKER_RETENTION_DAYS. */
  readonly archive: string;
  /** LEASINGTAKER_CONCURRENCY, default 4: requests in flight at once, shared by all fleet owners. */
  readonly concurrency: number;
  /** LEASINGTAKER_MAX_RPS, default none: at most this many requests started per second. */
  readonly maxRps?: number;
  /** LEASINGTAKER_MAX_RUNS, default 5: runs that retry a technically failed row before it is left for a person. */
  readonly maxRuns: number;
  /** LEASINGTAKER_SETTLE_MS, default 1000: a file must keep its size and mtime this long to be taken. */
  readonly settleMs: number;
  /** `--sheet`: the worksheet to read in .xlsx files; default the first visible one. */
  readonly sheet?: string;
  /** LEASINGTAKER_OWNER_WEIGHTS: request slots per turn for each fleet owner ('' = our own); default 1 each. */
  readonly ownerWeights?: ReadonlyMap<string, number>;
  /** LEASINGTAKER_RETENTION_DAYS: reports, archived inputs and ledger personal data older than this go (retention.ts). */
  readonly retentionDays?: number;
}

/** How the run reaches the API; built by the caller from the configuration, per fleet owner. */
export interface SenderFactory {
  /**
   * A sender for the owner's rows. `stop` is called with a reason when the sender decides the whole run must
   * stop sending (the circuit breaker opened).
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
  await mkdir(settings.inbox, { recursive: true });
  // Reports and archived inputs hold personal data: the owner only (their files are 0600 too).
  for (const dir of [settings.reports, settings.archive]) await mkdir(dir, { recursive: true, mode: 0o700 });

  forgetUnmovedFiles(ledger, logger);
  await applyRetention(settings, ledger, logger);
  const { ready, ignored } = await findReadyFiles(settings.inbox, settings.settleMs);
  for (const entry of ignored) logger.info({ file: entry.path }, `Left alone: ${entry.reason}`);

  const resumed = ledger.unfinishedFiles().map((file) => file.id);
  const retries = ledger.filesWithRetryableRows(settings.maxRuns).map((file) => file.id);
  if (ready.length === 0 && resumed.length === 0 && retries.length === 0) {
    logger.info('Nothing to do: the inbox is empty and no rows are waiting for a retry.');
    return { files: [], exitCode: 0 };
  }

  const lanes = new Map<string, Lane>();
  const laneOf = (owner: string) => {
    let lane = lanes.get(owner);
    if (!lane) {
      lane = { unread: [], inbox: [], fileIds: [] };
      lanes.set(owner, lane);
    }
    return lane;
  };
  for (const fileId of [...resumed, ...retries]) {
    const file = ledger.file(fileId);
    (file.status === 'reading' ? laneOf(file.owner).unread : laneOf(file.owner).fileIds).push(fileId);
  }
  for (const file of ready) laneOf(file.owner).inbox.push(file);

  // A key, client id or scope that doesn't work is the same for every row: find out before taking any file.
  // A fleet owner whose delegation is refused stops only that owner's files.
  const refused = new Map<string, MaskinportenError>();
  for (const owner of lanes.keys()) {
    try {
      await factory.checkAccess(owner);
    } catch (error) {
      if (!(error instanceof MaskinportenError)) throw error;
      logger.error(
        { owner: owner || undefined, kind: error.kind, oauthError: error.oauthError },
        error.message,
      );
      if (owner === '') return { files: [], exitCode: 2, stopReason: error.message };
      refused.set(owner, error);
    }
  }

  // Stops every lane: the circuit breaker (the API is the same for all) and SIGTERM.
  const stopAll = new AbortController();
  let stopReason: string | undefined;
  const stop = (reason: string) => {
    if (stopAll.signal.aborted) return;
    stopReason = reason;
    logger.warn(`Sending stopped: ${reason}`);
    stopAll.abort();
  };
  const onTerminate = () =>
    stop('Kjøringen ble avbrutt (SIGTERM). Rader som ikke ble sendt, sendes ved neste kjøring.');
  terminate.addEventListener('abort', onTerminate, { once: true });
  if (terminate.aborted) onTerminate();

  const pool = new FairPool(settings.concurrency, settings.ownerWeights);
  const rateLimit = createRateLimit(settings.maxRps);
  const results: FileResult[] = [];
  let authRefused = refused.size > 0;

  const runLane = async (owner: string, lane: Lane) => {
    // An owner whose access fails stops alone; its files keep their rows for the next run.
    const stopOwner = new AbortController();
    let ownerReason: string | undefined;
    const refuse = (error: MaskinportenError) => {
      authRefused = true;
      ownerReason ??= `Maskinporten avviste tilgangen${owner ? ` for ${owner}` : ''}: ${error.message}`;
      stopOwner.abort();
    };
    const earlier = refused.get(owner);
    if (earlier) refuse(earlier);
    const sender = guardAuth(factory.senderFor(owner, stop), refuse);
    const context: RunContext = {
      ledger,
      logger,
      reportsDir: settings.reports,
      maxRuns: settings.maxRuns,
      concurrency: settings.concurrency,
      ...(settings.sheet ? { sheet: settings.sheet } : {}),
      sender: { send: (request, options) => pool.run(owner, () => sender.send(request, options)) },
      rateLimit,
      stopSending: AbortSignal.any([stopAll.signal, stopOwner.signal]),
      stopReading: terminate,
      stopReason: () => ownerReason ?? stopReason,
      onRowDone: hooks.onRowDone ?? (() => {}),
      onRowsQueued: hooks.onRowsQueued ?? (() => {}),
      // An older file whose rows a newer one superseded gets its report written again, later in this lane.
      onSuperseded: (fileId) => {
        if (!lane.fileIds.includes(fileId)) lane.fileIds.push(fileId);
      },
    };
    const work = async (fileId: number) => {
      const file = ledger.file(fileId);
      hooks.onFileStart?.(file.name);
      const result = await processFile(context, fileId);
      results.push(result);
      hooks.onFileDone?.(result);
      logger.info(
        { file: result.name, owner: owner || undefined, status: result.status, ...result.counts },
        `${result.name}: ${describeCounts(result.counts)}`,
      );
    };
    for (const fileId of lane.unread) {
      if (terminate.aborted) return;
      await work(fileId);
    }
    for (const file of lane.inbox) {
      // With the API down, files not yet taken stay in the inbox for the next run, untouched.
      if (terminate.aborted || stopAll.signal.aborted) break;
      await work(await claimFile(ledger, settings.archive, file));
    }
    // Grows while it is walked: files superseded by the ones above are added.
    for (const fileId of lane.fileIds) {
      if (terminate.aborted) return;
      await work(fileId);
    }
  };

  // Owners run side by side, sharing the request slots in turn; each owner's files go one after another.
  await Promise.all([...lanes].map(([owner, lane]) => runLane(owner, lane)));
  terminate.removeEventListener('abort', onTerminate);

  const needsAttention = results.some((result) => result.status !== 'done' || result.counts.failed > 0);
  const exitCode: ExitCode = authRefused ? 2 : needsAttention || stopAll.signal.aborted ? 1 : 0;
  const reason = stopReason ?? [...refused.values()][0]?.message;
  return { files: results, exitCode, ...(reason ? { stopReason: reason } : {}) };
}

/**
 * One fleet owner's work in a run, in this order: files a run left half read (their unread rows are not in the
 * ledger yet, so nothing newer can be weighed against them), then the inbox, then the files whose rows are all
 * in the ledger and some still open (interrupted, or waiting for a retry). The inbox goes before those retries
 * so that a newer file repeating their open rows (a retry file dropped early) supersedes them before they are
 * sent again; a newer row that does not repeat them waits for them (`dispatch.ts`), so order holds either way.
 */
interface Lane {
  readonly unread: number[];
  readonly inbox: InboxFile[];
  readonly fileIds: number[];
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
