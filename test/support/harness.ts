import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type LocalSimulator, startLocalSimulator } from '../../src/commands/local-simulator.ts';
import { runWithConfig } from '../../src/commands/run.ts';
import { loadRunConfig, type RunConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { RunResult } from '../../src/pipeline/run.ts';
import type { SimulatorOptions } from '../../src/simulator/index.ts';

export interface Harness {
  readonly dir: string;
  readonly local: LocalSimulator;
  readonly inbox: string;
  readonly reports: string;
  readonly state: string;
  readonly archive: string;
  /** Every log line written by the runs so far. */
  readonly logs: () => string;
  /** One `run`, with settings overridden per call (env variable names, as staff would set them). */
  run(env?: Record<string, string>): Promise<RunResult>;
  config(env?: Record<string, string>): RunConfig;
  close(): Promise<void>;
}

/** A temp installation (inbox, reports, state, archive) pointed at a fresh simulator on loopback. */
export async function createHarness(simulator: SimulatorOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-test-'));
  const local = await startLocalSimulator(join(dir, 'keys'), simulator);
  const folders = {
    inbox: join(dir, 'inbox'),
    reports: join(dir, 'reports'),
    state: join(dir, 'state'),
    archive: join(dir, 'archive'),
  };
  let captured = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    captured += chunk.toString('utf8');
  });
  const logger = await createLogger({ level: 'debug', destination: sink });
  const config = (env: Record<string, string> = {}): RunConfig => {
    const loaded = loadRunConfig(
      {
        ...local.env,
        LEASINGTAKER_INBOX: folders.inbox,
        LEASINGTAKER_REPORTS: folders.reports,
        LEASINGTAKER_STATE: folders.state,
        LEASINGTAKER_ARCHIVE: folders.archive,
        LEASINGTAKER_SETTLE_MS: '0',
        ...env,
      },
      {},
    );
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
