import { existsSync } from 'node:fs';
import type { RunSettings } from '../config.ts';
import {
  isOwnOrganisation,
  OWN_ORGANISATION,
  type Owner,
  ownerInWords,
  ownerLogField,
} from '../domain/owner.ts';
import { lookAgainAtTakenFiles, restMsFor } from '../inbox/growth.ts';
import { removeLeftovers } from '../inbox/leftovers.ts';
import { findReadyFiles, type InboxFile, logIgnored } from '../inbox/listing.ts';
import { applyRetention } from '../inbox/retention.ts';
import { openGuardedLedger } from '../ledger/guard.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { preloadReportWriter } from '../report/load-writer.ts';
import { FairPool } from '../sending/fair-pool.ts';
import { createRateLimit } from '../sending/rate-limit.ts';
import type { SenderFactory } from '../sending/row-sender.ts';
import { asSurroundingsError, checkWritable, isLedgerError } from '../storage/surroundings.ts';
import type { FileResult } from './file-context.ts';
import { type LanePlan, type LaneResult, type RunHooks, type RunScope, runLane } from './lane.ts';
import { RunHalt } from './run-halt.ts';
import { acquireRunLock } from './run-lock.ts';

export type ExitCode = 0 | 1 | 2;

export interface RunResult {
  readonly files: readonly FileResult[];
  readonly exitCode: ExitCode;
  /** Set when the run halted early: circuit breaker, SIGTERM, authentication, a folder that failed. */
  readonly haltReason?: string;
  /** Fleet owners whose access Maskinporten refused. */
  readonly refusedOwners?: readonly Owner[];
  /** Rows later runs will still send, by fleet owner, read from the ledger at the end of the run. */
  readonly rowsWaiting?: ReadonlyMap<Owner, number>;
}

/**
 * One run: everything waiting in the inbox, what an earlier run left unfinished, and rows due for an automatic
 * retry. Exit code 0 when every row reached a business outcome, 1 when something needs attention, 2 when the
 * configuration or authentication halted the run before it could send.
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
    throw error;
  }
}

/** The run inside the lock, step by step. */
async function runLocked(
  settings: RunSettings,
  factory: SenderFactory,
  logger: Logger,
  terminate: AbortSignal,
  hooks: RunHooks,
  ledger: Ledger,
  inPlay: Set<number>,
): Promise<RunResult> {
  const { ready, waiting } = await prepareRun(settings, ledger, logger);
  const lanes = planLanes(ledger, settings, ready, inPlay);
  if (lanes.size === 0) {
    logger.info('Nothing to do: the inbox is empty and no rows are waiting for a retry.');
    return { files: [], exitCode: waiting ? 1 : 0 };
  }
  // There is work, so there will be a report: its writer loads while the first token is fetched.
  preloadReportWriter();
  const access = await checkAccess(factory, lanes.keys(), logger);
  if ('refusedOwn' in access) return access.refusedOwn;

  const halt = new RunHalt(logger, terminate);
  const scope: RunScope = {
    settings,
    restMs: restMsFor(settings.settleMs),
    ledger,
    logger,
    factory,
    pool: new FairPool(settings.concurrency, settings.ownerWeights, createRateLimit(settings.maxRps)),
    hooks,
    halt,
    terminate,
    inPlay,
    results: [],
  };
  // Owners run side by side, sharing the request slots in turn; each owner's files go one after another.
  const laneResults = await Promise.all(
    [...lanes].map(([owner, plan]) => runLane(scope, owner, plan, access.refused.get(owner))),
  );
  halt.close();
  return runResult(scope.results, laneResults, halt, access.refused, waiting);
}

/**
 * Before anything is taken: the folders, what a crashed run left, retention, files taken earlier that grew, and
 * the files ready in the inbox. `waiting`: files that wait but can't be taken need a person (the run exits 1).
 */
async function prepareRun(
  settings: RunSettings,
  ledger: Ledger,
  logger: Logger,
): Promise<{ ready: readonly InboxFile[]; waiting: boolean }> {
  // A folder the job can't write fails every file the same way (exit 2, nothing sent). The inbox keeps the
  // mode staff's tools need; reports and archived inputs hold personal data, so folders made for them are the
  // owner's only (their files are 0600 too).
  await checkWritable('inbox', settings.inbox, 0o777);
  await checkWritable('reports', settings.reports);
  await checkWritable('archive', settings.archive);

  forgetUnmovedFiles(ledger, logger);
  await removeLeftovers(settings, ledger, logger);
  await applyRetention(settings, ledger, logger);
  await lookAgainAtTakenFiles(ledger, settings.archive, restMsFor(settings.settleMs), logger);
  const { ready, ignored } = await findReadyFiles(settings.inbox, settings.settleMs);
  return { ready, waiting: logIgnored(ignored, logger) };
}

/** Each owner's lane: its half-read files, its inbox files, and its files with rows still open (lane.ts). */
function planLanes(
  ledger: Ledger,
  settings: RunSettings,
  ready: readonly InboxFile[],
  inPlay: Set<number>,
): Map<Owner, LanePlan> {
  const lanes = new Map<Owner, LanePlan>();
  const laneOf = (owner: Owner) => {
    let lane = lanes.get(owner);
    if (!lane) {
      lane = { unread: [], inbox: [], fileIds: [] };
      lanes.set(owner, lane);
    }
    return lane;
  };
  const resumed = ledger.unfinishedFiles();
  const retries = ledger.filesWithRetryableRows(settings.maxRuns);
  for (const file of [...resumed, ...retries]) {
    inPlay.add(file.id);
    (file.status === 'reading' ? laneOf(file.owner).unread : laneOf(file.owner).fileIds).push(file.id);
  }
  for (const file of ready) laneOf(file.owner).inbox.push(file);
  return lanes;
}

/**
 * A key, client id or scope that doesn't work is the same for every row: found out before any file is taken.
 * Our own organisation refused ends the run (exit 2); a fleet owner whose delegation is refused halts only that
 * owner's lane.
 */
async function checkAccess(
  factory: SenderFactory,
  owners: Iterable<Owner>,
  logger: Logger,
): Promise<{ readonly refused: ReadonlyMap<Owner, MaskinportenError> } | { readonly refusedOwn: RunResult }> {
  const refused = new Map<Owner, MaskinportenError>();
  for (const owner of owners) {
    try {
      await factory.checkAccess(owner);
    } catch (error) {
      if (!(error instanceof MaskinportenError)) throw error;
      logger.error(
        { owner: ownerLogField(owner), kind: error.kind, oauthError: error.oauthError },
        `${error.kind === 'oauth' ? 'Maskinporten refused access for' : 'No Maskinporten token for'} ${ownerInWords(owner)}: ${error.message}`,
      );
      if (isOwnOrganisation(owner)) {
        const refusal = error.kind === 'oauth' ? { refusedOwners: [OWN_ORGANISATION] } : {};
        return { refusedOwn: { files: [], exitCode: 2, haltReason: error.message, ...refusal } };
      }
      refused.set(owner, error);
    }
  }
  return { refused };
}

/** The run's result from its lanes': exit 2 when an owner's access was refused, 1 when anything needs a person. */
function runResult(
  files: readonly FileResult[],
  lanes: readonly LaneResult[],
  halt: RunHalt,
  refusedBefore: ReadonlyMap<Owner, MaskinportenError>,
  waiting: boolean,
): RunResult {
  // Owners Maskinporten said no to (OAuth errors), for the run's last line; an unreachable Maskinporten is not one.
  const refusedOwners = lanes.filter((lane) => lane.refused?.kind === 'oauth').map((lane) => lane.owner);
  const needsAttention =
    waiting ||
    lanes.some((lane) => lane.attention) ||
    files.some((result) => result.status !== 'done' || result.counts.failed > 0);
  const exitCode: ExitCode = lanes.some((lane) => lane.refused)
    ? 2
    : needsAttention || halt.signal.aborted
      ? 1
      : 0;
  const reason = halt.message ?? [...refusedBefore.values()][0]?.message;
  return {
    files,
    exitCode,
    ...(reason ? { haltReason: reason } : {}),
    ...(refusedOwners.length > 0 ? { refusedOwners } : {}),
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
