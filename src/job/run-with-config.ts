import { ApiConfigError } from '../api/address.ts';
import type { RunConfig } from '../config.ts';
import { inboxFilesByOwner } from '../inbox/listing.ts';
import { LedgerGuardError } from '../ledger/guard-error.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { loadSigningKey } from '../maskinporten/keys.ts';
import { RunMetrics } from '../metrics/publish.ts';
import type { RunFigures } from '../metrics/run-figures.ts';
import { createApiSenders } from '../sending/api-sender.ts';
import { SurroundingsError } from '../storage/surroundings.ts';
import type { RunHooks } from './lane.ts';
import { createProgress } from './progress.ts';
import { type RunResult, runInbox } from './run.ts';
import { RunLockedError } from './run-lock.ts';
import { summarizeRun } from './run-summary.ts';
import { handleStopSignals } from './stop-signals.ts';

export interface RunOptions {
  /** The caller's halt signal (`watch`); without it the run handles SIGTERM and SIGINT itself. */
  readonly terminate?: AbortSignal;
  /** Receives the run's figures once they are published (`watch` serves them on /metrics). */
  readonly onFigures?: (figures: RunFigures) => void;
}

/**
 * The run, shared by `run`, `demo` and `watch`. With no `terminate` signal of the caller's, it handles SIGTERM
 * and SIGINT itself: the first halts sending (requests in flight finish and are recorded), a second exits.
 * Before the inbox, it checks the signing key (parses, RSA of 2048 bits or more, mode 600): a key gone bad shows
 * in the first run after, inbox empty or not. After the run: its figures published (metrics/) and the
 * "Run finished" line.
 */
export async function runWithConfig(
  config: RunConfig,
  logger: Logger,
  options: RunOptions = {},
): Promise<RunResult> {
  const interrupt = new AbortController();
  const terminate = options.terminate ?? interrupt.signal;
  const stopHandling = options.terminate
    ? () => {}
    : handleStopSignals(logger, (signal) => {
        logger.warn(`${signal}: finishing the requests in flight, then stopping.`);
        interrupt.abort();
      });
  const started = performance.now();
  const metrics = new RunMetrics(config.metrics, config.state, logger);
  let senders: ReturnType<typeof createApiSenders> | undefined;
  const progress = createProgress(logger, process.stderr.isTTY === true);
  let result: RunResult;
  try {
    loadSigningKey(config.api.maskinporten);
    senders = createApiSenders(config.api, logger, {
      onReply: (status) => metrics.collector.apiReply(status),
    });
    result = await runInbox(config, senders, logger, terminate, withFigures(progress.hooks, metrics));
    progress.stop();
  } catch (error) {
    progress.stop();
    if (error instanceof RunLockedError) {
      // Not a run: the one holding the lock publishes its own figures and line.
      logger.info(error.message);
      return { files: [], exitCode: 0, haltReason: error.message };
    }
    if (
      error instanceof MaskinportenError ||
      error instanceof ApiConfigError ||
      error instanceof LedgerGuardError
    ) {
      logger.error(error.message);
      result = { files: [], exitCode: 2, haltReason: error.message };
    } else if (error instanceof SurroundingsError) {
      // Before any file was taken: a folder the job can't write is configuration (exit 2, nothing sent).
      logger.error({ folder: error.folder, code: error.code }, error.message);
      result = { files: [], exitCode: 2, haltReason: error.message };
    } else {
      // Not foreseen: one line for the person reading the log, the stack only at LOG_LEVEL=debug. Exit 1, as a
      // crash would: the ledger holds what was done, and the next run goes on from there. The figures still
      // tell the alerts this run failed.
      const message = error instanceof Error ? error.message : String(error);
      logger.error(
        `The run stopped on an unexpected error: ${message}. The next run goes on where it stopped.`,
      );
      logger.debug({ err: error }, 'The error in full');
      result = { files: [], exitCode: 1, haltReason: message };
    }
  } finally {
    senders?.close();
    stopHandling();
  }
  const durationMs = Math.round(performance.now() - started);
  const inboxFiles = await inboxFilesByOwner(config.inbox);
  const figures = await metrics.finish({
    exitCode: result.exitCode,
    ...(result.rowsWaiting ? { rowsWaiting: result.rowsWaiting } : {}),
    inboxFiles,
  });
  options.onFigures?.(figures);
  logRunFinished(
    logger,
    result,
    [...inboxFiles.values()].reduce((sum, n) => sum + n, 0),
    durationMs,
  );
  return result;
}

function logRunFinished(logger: Logger, result: RunResult, inboxFiles: number, durationMs: number): void {
  const summary = summarizeRun({ ...result, inboxFiles });
  logger[summary.level](
    {
      files: result.files.length,
      ...summary.totals,
      exitCode: result.exitCode,
      durationMs,
      attention: summary.attention,
      reports: result.files.map((file) => file.reports.xlsx),
    },
    summary.message,
  );
}

/** The run's hooks (the progress bar's) plus the metrics' collector: each row sent, each file's result. */
function withFigures(hooks: RunHooks, metrics: RunMetrics): RunHooks {
  return {
    ...hooks,
    onRowDone(outcome) {
      hooks.onRowDone?.(outcome);
      metrics.collector.rowSent(outcome);
    },
    onFileDone(result) {
      hooks.onFileDone?.(result);
      metrics.collector.fileDone(result);
    },
  };
}
