import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type LocalSimulator, startLocalSimulator } from '../../src/commands/local-simulator.ts';
import { loadRunConfig, type RunConfig } from '../../src/config.ts';
import type { RunResult } from '../../src/job/run.ts';
import { runWithConfig } from '../../src/job/run-with-config.ts';
import { createLogger } from '../../src/log.ts';
import type { SimulatorOptions } from '../../src/simulator/index.ts';

/** Where a test installation lives, and the simulator it sends to. */
export interface InstallationPlaces {
  readonly dir: string;
  readonly local: LocalSimulator;
  readonly inbox: string;
  readonly reports: string;
  readonly state: string;
  readonly archive: string;
}

export interface Harness extends InstallationPlaces {
  /** Every log line written by the runs so far. */
  readonly logs: () => string;
  /** One `run`, with settings overridden per call (env variable names, as staff would set them). */
  run(env?: Record<string, string>): Promise<RunResult>;
  config(env?: Record<string, string>): RunConfig;
  close(): Promise<void>;
}

export interface TempInstallation {
  readonly dir: string;
  readonly local: LocalSimulator;
  readonly folders: {
    readonly inbox: string;
    readonly reports: string;
    readonly state: string;
    readonly archive: string;
  };
  /** The environment of a run of this installation: the simulator, the folders, no settle wait, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/** A temp folder with inbox, reports, state and archive, and a fresh simulator on loopback to send to. */
export async function createTempInstallation(
  prefix: string,
  simulator: SimulatorOptions = {},
): Promise<TempInstallation> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const local = await startLocalSimulator(join(dir, 'keys'), simulator);
  const folders = {
    inbox: join(dir, 'inbox'),
    reports: join(dir, 'reports'),
    state: join(dir, 'state'),
    archive: join(dir, 'archive'),
  };
  const env = (extra: Record<string, string> = {}) => ({
    ...local.env,
    LEASINGTAKER_INBOX: folders.inbox,
    LEASINGTAKER_REPORTS: folders.reports,
    LEASINGTAKER_STATE: folders.state,
    LEASINGTAKER_ARCHIVE: folders.archive,
    LEASINGTAKER_SETTLE_MS: '0',
    ...extra,
  });
  return { dir, local, folders, env };
}

/** A temp installation pointed at a fresh simulator, run in this process. */
export async function createHarness(simulator: SimulatorOptions = {}): Promise<Harness> {
  const { dir, local, folders, env: runEnv } = await createTempInstallation('leasingtaker-test-', simulator);
  let captured = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    captured += chunk.toString('utf8');
  });
  const logger = await createLogger({ level: 'debug', destination: sink });
  const config = (env: Record<string, string> = {}): RunConfig => {
    const loaded = loadRunConfig(runEnv(env), {});
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    return loaded.config;
  };
  return {
    dir,
    local,
    ...folders,
    logs: () => captured,
    config,
    run: (env) => runWithConfig(config(env), logger),
    async close() {
      await local.sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
