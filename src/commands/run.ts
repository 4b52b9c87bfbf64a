import { resolve } from 'node:path';
import type { Flags } from '../config.ts';
import { runWithConfig } from '../job/run-with-config.ts';
import { createLogger } from '../log.ts';
import { RunMetrics } from '../metrics/publish.ts';
import { readMetricsSettings } from '../metrics/settings.ts';
import { SETTINGS } from '../settings.ts';
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
  const state = resolve(String(flags.state ?? (process.env.LEASINGTAKER_STATE || SETTINGS.state.default)));
  await new RunMetrics(settings, state, logger).finish({ exitCode: 2 });
}
