import { resolve } from 'node:path';
import { ApiConfigError } from '../api/client.ts';
import type { Flags, RunConfig } from '../config.ts';
import { LedgerGuardError } from '../ledger/guard-error.ts';
import { createLogger, type Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { loadSigningKey } from '../maskinporten/keys.ts';
import { RunMetrics } from '../metrics/publish.ts';
import type { RunFigures } from '../metrics/run-figures.ts';
import { readMetricsSettings } from '../metrics/settings.ts';
import { createApiSenders } from '../pipeline/api-sender.ts';
import { inboxFilesByOwner } from '../pipeline/inbox.ts';
import { createProgress } from '../pipeline/progress.ts';
import { type RunHooks, type RunResult, runInbox } from '../pipeline/run.ts';
import { RunLockedError } from '../pipeline/run-lock.ts';
import { summarizeRun } from '../pipeline/run-summary.ts';
import { SurroundingsError } from '../pipeline/surroundings.ts';
import { configure, explainProblems } from './configure.ts';

/** `leasingtaker run`: configuration from the environment and flags, then one run of the inbox. */
export async function runCommand(flags: Flags & { envFile?: string }): Promise<number> {
  const loaded = configure(flags);
  if (!loaded.ok) {
    explainProblems(loaded.problems);
    await reportConfigurationProblems(loaded.problems, flags);
    return 2;
  }
  const logger = await createLogger({ level: loaded.config.logLevel, pretty: process.stdout.isTTY === true });
  const result = await runWithConfig(loaded.config, logger);
  return result.exitCode;
}

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
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`${signal} again: exiting now. Rows in flight are resent as "maybe sent" next run.`);
      process.exit(130);
    }
    logger.warn(`${signal}: finishing the requests in flight, then stopping.`);
    interrupt.abort();
  };
  if (!options.terminate) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
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
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
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

/**
 * A configuration with problems stops `run` before it has a logger or a ledger. What can still be told is told:
 * one JSON line for log aggregation (the list itself went to stderr), and exit code 2 to the metrics, when their
 * own settings are usable, so that the alert on exit code 2 fires for this failure too.
 */
async function reportConfigurationProblems(problems: readonly string[], flags: Flags): Promise<void> {
  const logger = await createLogger({ level: 'info', pretty: false });
  if (process.stdout.isTTY !== true) {
    logger.error(
      { exitCode: 2, problems },
      `Run finished: exit 2; needs attention: configuration: ${problems.length} problem(s): ${problems.join(' ')}`,
    );
  }
  const metricsProblems: string[] = [];
  const settings = readMetricsSettings(process.env, metricsProblems);
  if (metricsProblems.length > 0) return;
  const state = resolve(String(flags.state ?? (process.env.LEASINGTAKER_STATE || './state')));
  await new RunMetrics(settings, state, logger).finish({ exitCode: 2 });
}
