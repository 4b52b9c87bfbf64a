import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MaskinportenSettings, resolveMaskinportenSettings } from '../../src/maskinporten/settings.ts';
import { DEFAULT_FAULTS } from '../../src/simulator/faults.ts';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { FaultSettings, Simulator, SimulatorOptions } from '../../src/simulator/types.ts';

export interface SimFixture {
  readonly sim: Simulator;
  readonly clientId: string;
  readonly kid: string;
  readonly keyFile: string;
  readonly privateKeyPem: string;
  /** MASKINPORTEN_* variables that point at the simulator, for resolveMaskinportenSettings. */
  readonly env: Record<string, string>;
  readonly settings: MaskinportenSettings;
  readonly dir: string;
  close(): Promise<void>;
}

/** A simulator with one demo client whose key is written, mode 600, into a fresh temp dir. */
export async function startSimFixture(options: SimulatorOptions = {}): Promise<SimFixture> {
  const demo = await createDemoClient();
  const sim = await startSimulator({ ...options, clients: [demo.client, ...(options.clients ?? [])] });
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-sim-'));
  const keyFile = join(dir, 'client-key.pem');
  writeFileSync(keyFile, demo.privateKeyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const env = {
    MASKINPORTEN_ISSUER: sim.issuer,
    MASKINPORTEN_CLIENT_ID: demo.client.clientId,
    MASKINPORTEN_KID: demo.kid,
    MASKINPORTEN_KEY_FILE: keyFile,
  };
  const resolved = resolveMaskinportenSettings(env);
  if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
  return {
    sim,
    clientId: demo.client.clientId,
    kid: demo.kid,
    keyFile,
    privateKeyPem: demo.privateKeyPem,
    env,
    settings: resolved.settings,
    dir,
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const tokenCalls = (sim: Simulator) => sim.calls.filter((call) => call.endpoint === 'token');
export const apiCalls = (sim: Simulator) => sim.calls.filter((call) => call.endpoint === 'api');

/** The simulator's defaults, to undo a test's faults. */
export const NO_FAULTS: FaultSettings = { ...DEFAULT_FAULTS };
