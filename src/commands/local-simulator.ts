import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeSettings, writeDemoKeyFile } from '../simulator/cli-settings.ts';
import { createDemoClient } from '../simulator/keys.ts';
import { DEMO_FLEET_OWNER_ORGNR } from '../simulator/register.ts';
import { startSimulator } from '../simulator/server.ts';
import type { Simulator, SimulatorOptions } from '../simulator/types.ts';

export interface LocalSimulator {
  readonly sim: Simulator;
  /** The MASKINPORTEN_* and LEASINGTAKER_API_URL variables that point a run at this simulator. */
  readonly env: Record<string, string>;
  readonly description: string;
}

/**
 * The simulator with a throwaway demo client whose key is written to `keyDir` (mode 600): what `demo`,
 * `simulator` and the end-to-end tests start from. The demo client may act for the demo fleet owner through a
 * delegation, so delegated inbox folders work out of the box.
 */
export async function startLocalSimulator(
  keyDir: string,
  options: SimulatorOptions = {},
): Promise<LocalSimulator> {
  const demo = await createDemoClient({
    delegations: [{ consumerOrg: DEMO_FLEET_OWNER_ORGNR, scopes: ['svv:kjoretoy/leasingtaker.delegert'] }],
  });
  const sim = await startSimulator({ ...options, clients: [demo.client, ...(options.clients ?? [])] });
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const keyFile = resolve(join(keyDir, 'demo-key.pem'));
  await writeDemoKeyFile(demo.privateKeyPem, keyFile);
  return {
    sim,
    env: {
      MASKINPORTEN_ISSUER: sim.issuer,
      MASKINPORTEN_CLIENT_ID: demo.client.clientId,
      MASKINPORTEN_KID: demo.kid,
      MASKINPORTEN_KEY_FILE: keyFile,
      MASKINPORTEN_SCOPE: demo.client.scopes.join(' '),
      MASKINPORTEN_RESOURCE: '',
      LEASINGTAKER_API_URL: sim.apiUrl,
    },
    description: describeSettings(sim, { client: demo.client, kid: demo.kid, keyFile }),
  };
}
