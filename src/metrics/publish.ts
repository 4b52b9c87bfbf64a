import type { Logger } from '../log.ts';
import { type LastKnown, readLastKnown, writeLastKnown } from './last-known.ts';
import { type RunFigures, RunFiguresCollector } from './run-figures.ts';
import { type MetricsSettings, PUSH_TIMEOUT_MS } from './settings.ts';
import { writeMetricsFile } from './textfile.ts';

export interface RunEnd {
  readonly exitCode: number;
  /** From the ledger at the end of the run; undefined when the run stopped before reading it. */
  readonly rowsWaiting?: ReadonlyMap<string, number>;
  readonly inboxFiles?: ReadonlyMap<string, number>;
}

/**
 * A run's metrics from start to publication: the collector the run feeds, then, at the end, the figures made
 * whole with what the state folder keeps between runs (see last-known.ts) and published to every sink that is
 * set. Publishing never fails the run: a sink that fails is a warning, and the push gives up after a few
 * seconds.
 */
export class RunMetrics {
  readonly collector: RunFiguresCollector;
  readonly #settings: MetricsSettings;
  readonly #stateDir: string | undefined;
  readonly #logger: Logger;

  constructor(settings: MetricsSettings, stateDir: string | undefined, logger: Logger, startedAt?: number) {
    this.collector = new RunFiguresCollector(startedAt);
    this.#settings = settings;
    this.#stateDir = stateDir;
    this.#logger = logger;
  }

  /** Completes the figures, keeps what later runs need, publishes; returns the figures (for `watch`). */
  async finish(end: RunEnd): Promise<RunFigures> {
    const finishedAt = Date.now();
    const known: LastKnown = this.#stateDir ? await readLastKnown(this.#stateDir) : {};
    const lastSuccessAt =
      end.exitCode === 0 ? Math.max(finishedAt, known.lastSuccessAt ?? 0) : known.lastSuccessAt;
    const rowsWaiting = end.rowsWaiting ?? (known.rowsWaiting && new Map(Object.entries(known.rowsWaiting)));
    const figures = this.collector.finish({
      exitCode: end.exitCode,
      finishedAt,
      ...(rowsWaiting ? { rowsWaiting } : {}),
      ...(end.inboxFiles ? { inboxFiles: end.inboxFiles } : {}),
      ...(lastSuccessAt !== undefined ? { lastSuccessAt } : {}),
    });
    if (this.#stateDir && (end.exitCode === 0 || end.rowsWaiting)) {
      await writeLastKnown(this.#stateDir, {
        ...(lastSuccessAt !== undefined ? { lastSuccessAt } : {}),
        ...(figures.rowsWaiting ? { rowsWaiting: Object.fromEntries(figures.rowsWaiting) } : {}),
      }).catch((error: unknown) =>
        this.#logger.warn(
          { code: errorCode(error) },
          `Could not keep the last success time in the state folder (${errorCode(error)}); the metrics of later runs may lack it.`,
        ),
      );
    }
    await publishRunFigures(figures, this.#settings, this.#logger);
    return figures;
  }
}

/** Pushes to the Pushgateway and writes the textfile, side by side; each failure is one warning. */
export async function publishRunFigures(
  figures: RunFigures,
  settings: MetricsSettings,
  logger: Logger,
): Promise<void> {
  const { pushgatewayUrl, file } = settings;
  if (!pushgatewayUrl && !file) return;
  // prom-client takes ~130 ms to load: a run with no metrics set (and every empty run of such) doesn't pay it.
  const [{ lastRunRegistry }, { pushToGateway }] = await Promise.all([
    import('./gauges.ts'),
    import('./push.ts'),
  ]);
  const registry = lastRunRegistry(figures);
  const sinks: Promise<void>[] = [];
  if (pushgatewayUrl) {
    sinks.push(
      pushToGateway(registry, {
        url: pushgatewayUrl,
        ...(settings.instance ? { instance: settings.instance } : {}),
      })
        .then(() => logger.debug({ pushgateway: pushgatewayUrl }, 'Metrics pushed'))
        .catch((error: unknown) =>
          logger.warn(
            { pushgateway: pushgatewayUrl, reason: describe(error) },
            `Could not push the metrics to ${pushgatewayUrl} (${describe(error)}); the run's result stands.`,
          ),
        ),
    );
  }
  if (file) {
    sinks.push(
      registry
        .metrics()
        .then((text) => writeMetricsFile(file, text))
        .catch((error: unknown) =>
          logger.warn(
            { metricsFile: file, reason: describe(error) },
            `Could not write the metrics file ${file} (${describe(error)}); the run's result stands.`,
          ),
        ),
    );
  }
  await Promise.all(sinks);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** A code or a short message: never a body or a stack. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (code === 'ABORT_ERR' || name === 'AbortError' || name === 'TimeoutError') {
    return `no answer within ${PUSH_TIMEOUT_MS / 1000} s`;
  }
  if (typeof code === 'string') return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
