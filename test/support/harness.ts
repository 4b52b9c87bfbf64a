import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { type LocalSimulator, startLocalSimulator } from '../../src/commands/local-simulator.ts';
import { loadRunConfig, type RunConfig } from '../../src/config.ts';
import type { RunResult } from '../../src/job/run.ts';
import { runWithConfig } from '../../src/job/run-with-config.ts';
import { createLogger } from '../../src/log.ts';
import type { SimulatorOptions } from '../../src/simulator/types.ts';
import { type RunningCli, startCli } from './spawn-cli.ts';

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

/** The environment that points the CLI at an installation: its simulator and its four folders, plus `extra`. */
export function installationEnv(
  places: InstallationPlaces,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...places.local.env,
    LEASINGTAKER_INBOX: places.inbox,
    LEASINGTAKER_REPORTS: places.reports,
    LEASINGTAKER_STATE: places.state,
    LEASINGTAKER_ARCHIVE: places.archive,
    ...extra,
  };
}

/** `leasingtaker watch` on an installation, with a short settle and debounce so that tests do not wait long. */
export function startWatch(places: InstallationPlaces, env: Record<string, string> = {}): RunningCli {
  return startCli(
    ['watch'],
    installationEnv(places, { LEASINGTAKER_SETTLE_MS: '100', LEASINGTAKER_WATCH_DEBOUNCE_MS: '200', ...env }),
  );
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
  const env = (extra: Record<string, string> = {}) =>
    installationEnv({ dir, local, ...folders }, { LEASINGTAKER_SETTLE_MS: '0', ...extra });
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

/**
 * A fresh harness, its inbox made, for each test of the calling `describe` (closed after each): the set-up
 * most in-process tests share. The object returned stands for the running test's harness, so read it inside
 * a test or hook, not while the tests are collected.
 */
export function useHarness(simulator: SimulatorOptions = {}): Harness {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await createHarness(simulator);
    mkdirSync(current.inbox, { recursive: true });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): Harness => {
    if (!current) throw new Error('useHarness: there is a harness only while a test runs');
    return current;
  };
  return {
    get dir() {
      return now().dir;
    },
    get local() {
      return now().local;
    },
    get inbox() {
      return now().inbox;
    },
    get reports() {
      return now().reports;
    },
    get state() {
      return now().state;
    },
    get archive() {
      return now().archive;
    },
    logs: () => now().logs(),
    run: (env) => now().run(env),
    config: (env) => now().config(env),
    close: () => now().close(),
  };
}
