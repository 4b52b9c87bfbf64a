import { ApiConfigError } from '../api/client.ts';
import type { Flags, RunConfig } from '../config.ts';
import { LedgerGuardError } from '../ledger/guard-error.ts';
import { createLogger, type Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { createApiSenders } from '../pipeline/api-sender.ts';
import { createProgress } from '../pipeline/progress.ts';
import { type RunResult, runInbox } from '../pipeline/run.ts';
import { RunLockedError } from '../pipeline/run-lock.ts';
import { configure, explainProblems } from './configure.ts';

/** `leasingtaker run`: configuration from the environment and flags, then one run of the inbox. */
export async function runCommand(flags: Flags & { envFile?: string }): Promise<number> {
  const loaded = configure(flags);
  if (!loaded.ok) {
    explainProblems(loaded.problems);
    return 2;
  }
  const logger = await createLogger({ level: loaded.config.logLevel, pretty: process.stdout.isTTY === true });
  const result = await runWithConfig(loaded.config, logger);
  return result.exitCode;
}

/**
 * The run, shared by `run`, `demo` and `watch`. With no `terminate` signal of the caller's, it handles SIGTERM
 * and SIGINT itself: the first stops sending (requests in flight finish and are recorded), a second exits.
 */
export async function runWithConfig(
  config: RunConfig,
  logger: Logger,
  options: { readonly terminate?: AbortSignal } = {},
): Promise<RunResult> {
  const own = new AbortController();
  const terminate = options.terminate ?? own.signal;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`${signal} again: exiting now. Rows in flight are resent as "maybe sent" next run.`);
      process.exit(130);
    }
    logger.warn(`${signal}: finishing the requests in flight, then stopping.`);
    own.abort();
  };
  if (!options.terminate) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  let senders: ReturnType<typeof createApiSenders> | undefined;
  const progress = createProgress(logger, process.stderr.isTTY === true);
  try {
    senders = createApiSenders(config.api, logger);
    const started = performance.now();
    const result = await runInbox(config, senders, logger, terminate, progress.hooks);
    progress.stop();
    const totals = result.files.reduce(
      (sum, file) => ({
        rows: sum.rows + file.counts.rows,
        ok: sum.ok + file.counts.ok,
        stopped: sum.stopped + file.counts.stopped,
        failed: sum.failed + file.counts.failed,
        invalid: sum.invalid + file.counts.invalid,
        skipped: sum.skipped + file.counts.skipped,
      }),
      { rows: 0, ok: 0, stopped: 0, failed: 0, invalid: 0, skipped: 0 },
    );
    logger.info(
      {
        files: result.files.length,
        ...totals,
        exitCode: result.exitCode,
        durationMs: Math.round(performance.now() - started),
        reports: result.files.map((file) => file.reports.xlsx),
      },
      result.files.length === 0
        ? 'Run finished: nothing to do'
        : `Run finished: ${result.files.length} file(s)`,
    );
    return result;
  } catch (error) {
    progress.stop();
    if (error instanceof RunLockedError) {
      logger.info(error.message);
      return { files: [], exitCode: 0, stopReason: error.message };
    }
    if (
      error instanceof MaskinportenError ||
      error instanceof ApiConfigError ||
      error instanceof LedgerGuardError
    ) {
      logger.error(error.message);
      return { files: [], exitCode: 2, stopReason: error.message };
    }
    throw error;
  } finally {
    senders?.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
