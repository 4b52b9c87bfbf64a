// One fleet owner's lane in a run: its files one after another, through processFile, with the lane's own halt
// (its access refused) beside the run's, and the trouble of one file kept to that file.

import type { RunSettings } from '../config.ts';
import { type Owner, ownerLogField } from '../domain/owner.ts';
import type { InboxFile } from '../inbox/listing.ts';
import { takeFile } from '../inbox/take-file.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { FileRecord } from '../ledger/types.ts';
import type { Logger } from '../log.ts';
import type { MaskinportenError } from '../maskinporten/errors.ts';
import type { FairPool } from '../sending/fair-pool.ts';
import { AccessRefused } from '../sending/halt.ts';
import type { SenderFactory, SendLane } from '../sending/row-sender.ts';
import { asSurroundingsError, isLedgerError, SurroundingsError } from '../storage/surroundings.ts';
import type { FileContext, FileResult } from './file-context.ts';
import { logFileResult } from './file-log.ts';
import { processFile } from './process-file.ts';
import type { RunHalt } from './run-halt.ts';

/** What the caller of a run hears as it goes (the progress bar, the metrics). */
export interface RunHooks {
  readonly onFileStart?: (name: string) => void;
  readonly onRowsQueued?: (rows: number) => void;
  readonly onRowDone?: (outcome: string) => void;
  readonly onFileDone?: (result: FileResult) => void;
}

/**
 * One fleet owner's work in a run, in this order: files a run left half read (their unread rows are not in the
 * ledger yet, so nothing newer can be weighed against them), then the inbox, then the files whose rows are all
 * in the ledger and some still open (interrupted, or waiting for a retry). The inbox goes before those retries
 * so that a newer file repeating their open rows (a retry file dropped early) supersedes them before they are
 * sent again; a newer row that does not repeat them waits for them (`dispatch.ts`), so order holds either way.
 */
export interface LanePlan {
  readonly unread: number[];
  readonly inbox: InboxFile[];
  readonly fileIds: number[];
}

/** What every lane of a run shares. */
export interface RunScope {
  readonly settings: RunSettings;
  /** How long a taken file must be unchanged to count as complete (growth.ts). */
  readonly restMs: number;
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly factory: SenderFactory;
  readonly pool: FairPool;
  readonly hooks: RunHooks;
  readonly halt: RunHalt;
  /** SIGTERM, the caller's: reading halts too. */
  readonly terminate: AbortSignal;
  /** Files this run took up; rows can be waiting only in these (run.ts counts them at the end). */
  readonly inPlay: Set<number>;
  /** Every lane's file results, in the order the files finished. */
  readonly results: FileResult[];
}

export interface LaneResult {
  readonly owner: Owner;
  /** Something in the lane needs a person: a file that could not be finished, or one left in the inbox. */
  readonly attention: boolean;
  /** Maskinporten refused the owner's access, before the run or during it. */
  readonly refused?: MaskinportenError;
}

/** Runs one owner's files one after another; `refusedBefore`: the access check already failed for the owner. */
export async function runLane(
  scope: RunScope,
  owner: Owner,
  plan: LanePlan,
  refusedBefore?: MaskinportenError,
): Promise<LaneResult> {
  const { ledger, logger, settings, halt } = scope;
  // This owner's scope: aborted (with an AccessRefused) when its access fails; it halts alone, and its files
  // keep their rows for the next run.
  const lane = new AbortController();
  if (refusedBefore) lane.abort(new AccessRefused(owner, refusedBefore));
  const sending: SendLane = {
    owner,
    pool: scope.pool,
    sender: scope.factory.senderFor(owner, { run: halt.controller, owner: lane }),
    halted: AbortSignal.any([halt.signal, lane.signal]),
  };
  const context: FileContext = {
    ledger,
    logger,
    settings,
    restMs: scope.restMs,
    lane: sending,
    terminate: scope.terminate,
    events: {
      onRowDone: scope.hooks.onRowDone ?? (() => {}),
      onRowsQueued: scope.hooks.onRowsQueued ?? (() => {}),
      // An older file whose rows a newer one superseded gets its report written again, later in this lane.
      onSuperseded: (fileId: number) => {
        if (!plan.fileIds.includes(fileId)) plan.fileIds.push(fileId);
      },
    },
  };
  let attention = false;

  const work = async (fileId: number) => {
    const record: FileRecord = ledger.file(fileId);
    scope.hooks.onFileStart?.(record.name);
    scope.inPlay.add(fileId);
    let result: FileResult;
    try {
      result = await processFile(context, record);
    } catch (error) {
      // The report writer names the reports folder; a ledger that can't be written is the state folder's.
      const failure =
        error instanceof SurroundingsError
          ? error
          : isLedgerError(error)
            ? asSurroundingsError(error, 'state', settings.state)
            : undefined;
      if (failure) {
        halt.surroundingsFailed(failure);
        return;
      }
      // One file's trouble is that file's: it stays unfinished for the next run, and the others go on.
      attention = true;
      logger.error(
        { file: record.name, owner: ownerLogField(owner) },
        `${record.name} could not be finished: ${(error as Error).message}. It is taken up again by the next run.`,
      );
      logger.debug({ err: error }, 'The failure in full');
      return;
    }
    scope.results.push(result);
    scope.hooks.onFileDone?.(result);
    logFileResult(logger, ledger, result, settings.maxRuns);
  };

  const walk = async () => {
    for (const fileId of plan.unread) {
      if (halt.endsFiles) return;
      await work(fileId);
    }
    for (const file of plan.inbox) {
      // With the API down, files not yet taken stay in the inbox for the next run, untouched.
      if (scope.terminate.aborted || halt.signal.aborted) break;
      let taken: Awaited<ReturnType<typeof takeFile>>;
      try {
        taken = await takeFile(ledger, settings, file, { restMs: scope.restMs });
      } catch (error) {
        if (!(error instanceof SurroundingsError)) throw error;
        halt.surroundingsFailed(error);
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
    for (const fileId of plan.fileIds) {
      if (halt.endsFiles) return;
      await work(fileId);
    }
  };
  await walk();

  const reason: unknown = lane.signal.reason;
  const refused = reason instanceof AccessRefused ? { refused: reason.error } : {};
  return { owner, attention, ...refused };
}
