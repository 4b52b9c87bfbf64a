import { mkdir } from 'node:fs/promises';
import type { Flags } from '../config.ts';
import { runWithConfig } from '../job/run-with-config.ts';
import { handleStopSignals } from '../job/stop-signals.ts';
import { createLogger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { loadSigningKey } from '../maskinporten/keys.ts';
import type { MetricsServer, WatchMetrics } from '../metrics/watch-metrics.ts';
import { startInboxWatcher } from '../schedule/inbox-watcher.ts';
import { loadWatchSettings } from '../schedule/watch-settings.ts';
import { asSurroundingsError } from '../storage/surroundings.ts';
import { configure, explainProblems } from './configure.ts';

/**
 * `leasingtaker watch`: the long-lived form of `run`, for a container that stays up. Runs at start, when files
 * arrive, and on the retry schedule, one run at a time. The first SIGTERM (or Ctrl-C) stops new runs and lets
 * the run in progress finish what it has in flight, record it and write its reports; the process exits when it
 * has, or after LEASINGTAKER_GRACE_SECONDS whatever happens. A second signal exits at once.
 */
export async function watchCommand(flags: Flags & { envFile?: string }): Promise<number> {
  const loaded = configure(flags, loadWatchSettings);
  if (!loaded.ok) {
    explainProblems(loaded.problems);
    return 2;
  }
  const { config } = loaded;
  const logger = await createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });

  // A key that can't be read won't mend by waiting: say so and stop, rather than fail every run.
  try {
    loadSigningKey(config.api.maskinporten);
  } catch (error) {
    if (!(error instanceof MaskinportenError)) throw error;
    logger.error(error.message);
    return 2;
  }
  try {
    await mkdir(config.inbox, { recursive: true });
  } catch (error) {
    const failure = asSurroundingsError(error, 'inbox', config.inbox);
    if (!failure) throw error;
    logger.error(failure.message);
    return 2;
  }

  let metrics: WatchMetrics | undefined;
  let server: MetricsServer | undefined;
  if (config.metricsListen) {
    const { serveMetrics, WatchMetrics } = await import('../metrics/watch-metrics.ts');
    metrics = new WatchMetrics();
    try {
      server = await serveMetrics(config.metricsListen, metrics);
    } catch (error) {
      logger.error(
        `LEASINGTAKER_METRICS_LISTEN: cannot listen on ${config.metricsListen.host}:${config.metricsListen.port} ` +
          `(${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`,
      );
      return 2;
    }
    const { address, port } = server.address;
    logger.info(
      { metricsAddress: `${address}:${port}` },
      `Serving metrics on http://${address}:${port}/metrics`,
    );
  }

  const terminate = new AbortController();
  let stop = () => {};
  const stopping = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let grace: NodeJS.Timeout | undefined;
  const stopHandling = handleStopSignals(logger, (signal) => {
    logger.warn(
      `${signal}: no new runs; the run in progress finishes its requests in flight, then the process exits ` +
        `(at the latest in ${config.graceSeconds} s).`,
    );
    terminate.abort();
    grace = setTimeout(() => {
      logger.error(
        `The run did not finish within LEASINGTAKER_GRACE_SECONDS (${config.graceSeconds} s); exiting. ` +
          'Nothing is lost: the next run finishes the file, and resends rows in flight as "maybe sent".',
      );
      process.exit(1);
    }, config.graceSeconds * 1000);
    stop();
  });

  logger.info(
    {
      inbox: config.inbox,
      debounceMs: config.debounceMs,
      pollSeconds: config.pollSeconds,
      retryIntervalMinutes: config.retryIntervalMinutes,
    },
    `Watching ${config.inbox}: a run when files arrive, and every ${config.retryIntervalMinutes} min for retries.`,
  );
  const watcher = startInboxWatcher({
    inbox: config.inbox,
    debounceMs: config.debounceMs,
    pollMs: config.pollSeconds * 1000,
    intervalMs: config.retryIntervalMinutes * 60_000,
    logger,
    run: async (trigger) => {
      if (terminate.signal.aborted) return;
      await runWithConfig(config, logger.child({ trigger }), {
        terminate: terminate.signal,
        onFigures: (figures) => metrics?.runDone(figures),
      });
    },
  });

  await stopping;
  await watcher.stop();
  await server?.close();
  clearTimeout(grace);
  stopHandling();
  logger.info('Stopped watching.');
  return 0;
}
