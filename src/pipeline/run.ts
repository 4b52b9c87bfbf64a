import { existsSync } from 'node:fs';
import { openGuardedLedger } from '../ledger/guard.ts';
import { LedgerGuardError } from '../ledger/guard-error.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { preloadReportWriter } from '../report/load-writer.ts';
import type { RowSender } from './dispatch.ts';
import { FairPool } from './fair-pool.ts';
import { logFileResult } from './file-log.ts';
import { lookAgainAtTakenFiles, restMsFor } from './growth.ts';
import { findReadyFiles, type InboxFile, logIgnored } from './inbox.ts';
import { removeLeftovers } from './leftovers.ts';
import { type FileResult, processFile, type RunContext } from './process-file.ts';
import { createRateLimit } from './rate-limit.ts';
import { applyRetention } from './retention.ts';
import { acquireRunLock, RunLockedError } from './run-lock.ts';
import { asSurroundingsError, checkWritable, isLedgerError, SurroundingsError } from './surroundings.ts';
import { takeFile } from './take-file.ts';

export interface RunSettings {
  /** `SETTINGS.inbox` (settings.ts, the one table of settings); sub-folders named by orgnr for delegated owners. */
  readonly inbox: string;
  /** `SETTINGS.reports`. */
  readonly reports: string;
  /** `SETTINGS.state`. */
  readonly state: string;
  /** `SETTINGS.archive`. */
  readonly archive: string;
  /** `SETTINGS.concurrency`, shared by all fleet owners. */
  readonly concurrency: number;
  /** `SETTINGS.maxRps`. */
  readonly maxRps?: number;
  /** `SETTINGS.maxRuns`. */
  readonly maxRuns: number;
  /** `SETTINGS.settleMs` (size and modification time unchanged). */
  readonly settleMs: number;
  /** `SETTINGS.sheet`. */
  readonly sheet?: string;
  /** `SETTINGS.ownerWeights` ('' = our own); 1 each when not listed. */
  readonly ownerWeights?: ReadonlyMap<string, number>;
  /** `SETTINGS.retentionDays` (retention.ts). */
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
  /** Fleet owners ('' for the installation's own) whose access Maskinporten refused. */
  readonly refusedOwners?: readonly string[];
  /** Rows later runs will still send, by fleet owner, read from the ledger at the end of the run. */
  readonly rowsWaiting?: ReadonlyMap<string, number>;
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
  const { release, memory } = await openState(settings, logger);
  try {
    // Rows can be waiting only in files this run took up or could have: the ones it notes here.
    const inPlay = new Set<number>();
    let result: RunResult;
    try {
      result = await runLocked(settings, factory, logger, terminate, hooks, memory.ledger, inPlay);
      result = { ...result, rowsWaiting: memory.ledger.waitingRowsByOwner(settings.maxRuns, inPlay) };
    } catch (error) {
      memory.close();
      // The files' own ledger errors are handled in their lanes; one from before them (retention, forgetting
      // unmoved files) means the state folder is full or failing, found before anything was sent.
      throw (isLedgerError(error) && asSurroundingsError(error, 'state', settings.state)) || error;
    }
    // A backup that could not be written leaves the job without its safety net: worth someone's attention.
    return memory.close() || result.exitCode !== 0 ? result : { ...result, exitCode: 1 };
  } finally {
    await release();
  }
}

/**
 * The run lock and the ledger, guarded (ledger/guard.ts): a missing or damaged ledger is restored from its backup
 * or refused (LedgerGuardError, exit 2); a state folder that can't be written is a SurroundingsError (exit 2).
 */
async function openState(
  settings: RunSettings,
  logger: Logger,
): Promise<{ release: () => Promise<void>; memory: ReturnType<typeof openGuardedLedger> }> {
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireRunLock(settings.state);
    return { release, memory: openGuardedLedger(settings, logger) };
  } catch (error) {
    await release?.();
    if (error instanceof RunLockedError) throw error;
    // A folder that is full or not writable gets the same message whichever step met it.
    if (error instanceof LedgerGuardError)
      throw (
        (error.folder && asSurroundingsError(error.cause, error.folder.place, error.folder.path)) || error
      );
    throw asSurroundingsError(error, 'state', settings.state) ?? error;
  }
}

async function runLocked(
  settings: RunSettings,
  factory: SenderFactory,
  logger: Logger,
  terminate: AbortSignal,
  hooks: RunHooks,
  ledger: Ledger,
  inPlay: Set<number>,
): Promise<RunResult> {
  // Before anything is taken: a folder the job can't write fails every file the same way (exit 2, nothing
  // sent). The inbox keeps the mode staff's tools need; reports and archived inputs hold personal data, so
  // folders made for them are the owner's only (their files are 0600 too).
  await checkWritable('inbox', settings.inbox, 0o777);
  await checkWritable('reports', settings.reports);
  await checkWritable('archive', settings.archive);

  forgetUnmovedFiles(ledger, logger);
  await removeLeftovers(settings, ledger, logger);
  await applyRetention(settings, ledger, logger);
  const restMs = restMsFor(settings.settleMs);
  await lookAgainAtTakenFiles(ledger, settings.archive, restMs, logger);
  const { ready, ignored } = await findReadyFiles(settings.inbox, settings.settleMs);
  // Files that wait but can't be taken need a person: the run exits 1 for them.
  const waiting = logIgnored(ignored, logger);

  const resumed = ledger.unfinishedFiles().map((file) => file.id);
  const retries = ledger.filesWithRetryableRows(settings.maxRuns).map((file) => file.id);
  for (const id of [...resumed, ...retries]) inPlay.add(id);
  if (ready.length === 0 && resumed.length === 0 && retries.length === 0) {
    logger.info('Nothing to do: the inbox is empty and no rows are waiting for a retry.');
    return { files: [], exitCode: waiting ? 1 : 0 };
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

  // There is work, so there will be a report: its writer loads while the first token is fetched.
  preloadReportWriter();
  // A key, client id or scope that doesn't work is the same for every row: find out before taking any file.
  // A fleet owner whose delegation is refused stops only that owner's files.
  const refused = new Map<string, MaskinportenError>();
  for (const owner of lanes.keys()) {
    try {
      await factory.checkAccess(owner);
    } catch (error) {
      if (!(error instanceof MaskinportenError)) throw error;
      const who = owner ? `fleet owner ${owner}` : "the installation's own organisation";
      logger.error(
        { owner: owner || undefined, kind: error.kind, oauthError: error.oauthError },
        `${error.kind === 'oauth' ? 'Maskinporten refused access for' : 'No Maskinporten token for'} ${who}: ${error.message}`,
      );
      if (owner === '') {
        const refusal = error.kind === 'oauth' ? { refusedOwners: [''] } : {};
        return { files: [], exitCode: 2, stopReason: error.message, ...refusal };
      }
      refused.set(owner, error);
    }
  }
  // Owners Maskinporten said no to (OAuth errors), for the run's last line; an unreachable Maskinporten is not one.
  const refusedOwners = new Set(
    [...refused].filter(([, error]) => error.kind === 'oauth').map(([owner]) => owner),
  );

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
  let attention = waiting;
  // A folder that is full or can't be written ends the run: every file after would fail the same way.
  let surroundings: SurroundingsError | undefined;
  const stopForSurroundings = (error: SurroundingsError) => {
    if (!surroundings) {
      surroundings = error;
      logger.error({ folder: error.folder, code: error.code }, error.message);
      logger.debug({ err: error.cause }, 'The failure in full');
    }
    stop(error.notice);
  };

  const runLane = async (owner: string, lane: Lane) => {
    // An owner whose access fails stops alone; its files keep their rows for the next run.
    const stopOwner = new AbortController();
    let ownerReason: string | undefined;
    const refuse = (error: MaskinportenError) => {
      authRefused = true;
      if (error.kind === 'oauth') refusedOwners.add(owner);
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
      restMs,
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
      inPlay.add(fileId);
      let result: FileResult;
      try {
        result = await processFile(context, fileId);
      } catch (error) {
        // The report writer names the reports folder; a ledger that can't be written is the state folder's.
        const failure =
          error instanceof SurroundingsError
            ? error
            : isLedgerError(error)
              ? asSurroundingsError(error, 'state', settings.state)
              : undefined;
        if (failure) {
          stopForSurroundings(failure);
          return;
        }
        // One file's trouble is that file's: it stays unfinished for the next run, and the others go on.
        attention = true;
        logger.error(
          { file: file.name, owner: owner || undefined },
          `${file.name} could not be finished: ${(error as Error).message}. It is taken up again by the next run.`,
        );
        logger.debug({ err: error }, 'The failure in full');
        return;
      }
      results.push(result);
      hooks.onFileDone?.(result);
      logFileResult(logger, ledger, result, settings.maxRuns);
    };
    for (const fileId of lane.unread) {
      if (terminate.aborted || surroundings) return;
      await work(fileId);
    }
    for (const file of lane.inbox) {
      // With the API down, files not yet taken stay in the inbox for the next run, untouched.
      if (terminate.aborted || stopAll.signal.aborted) break;
      let taken: Awaited<ReturnType<typeof takeFile>>;
      try {
        taken = await takeFile(ledger, settings, file, { restMs });
      } catch (error) {
        if (!(error instanceof SurroundingsError)) throw error;
        stopForSurroundings(error);
        return;
      }
      if ('fileId' in taken) await work(taken.fileId);
      else {
        attention ||= taken.attention;
        logger[taken.attention ? 'error' : 'warn'](
          { file: file.path },
          `Left alone: ${file.path} ${taken.left}`,
        );
      }
    }
    // Grows while it is walked: files superseded by the ones above are added.
    for (const fileId of lane.fileIds) {
      if (terminate.aborted || surroundings) return;
      await work(fileId);
    }
  };

  // Owners run side by side, sharing the request slots in turn; each owner's files go one after another.
  await Promise.all([...lanes].map(([owner, lane]) => runLane(owner, lane)));
  terminate.removeEventListener('abort', onTerminate);

  const needsAttention =
    attention || results.some((result) => result.status !== 'done' || result.counts.failed > 0);
  const exitCode: ExitCode = authRefused ? 2 : needsAttention || stopAll.signal.aborted ? 1 : 0;
  const reason = surroundings?.message ?? stopReason ?? [...refused.values()][0]?.message;
  return {
    files: results,
    exitCode,
    ...(reason ? { stopReason: reason } : {}),
    ...(refusedOwners.size > 0 ? { refusedOwners: [...refusedOwners] } : {}),
  };
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
