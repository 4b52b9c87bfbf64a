import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSettings, writeDemoKeyFile } from '../../src/simulator/cli-settings.ts';
import { API_PATH } from '../../src/simulator/constants.ts';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { Simulator } from '../../src/simulator/types.ts';

let sim: Simulator | undefined;
let dir: string | undefined;

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('describeSettings', () => {
  it('tells a client everything it needs, and the key file is private', async () => {
    const demo = await createDemoClient();
    sim = await startSimulator({ clients: [demo.client], faults: { share503: 0.05 } });
    dir = await mkdtemp(join(tmpdir(), 'simulator-cli-'));
    const keyFile = join(dir, 'demo-key.pem');
    await writeDemoKeyFile(demo.privateKeyPem, keyFile);

    const text = describeSettings(sim, { client: demo.client, kid: demo.kid, keyFile });
    for (const expected of [
      sim.issuer,
      `${sim.issuer}token`,
      `${sim.apiUrl}${API_PATH}`,
      demo.client.clientId,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain(demo.kid);
    expect(text).toContain(keyFile);
    expect(text).toContain('svv:kjoretoy/leasingtaker');
    expect(text).toContain('503 5 %');
    expect(await readFile(keyFile, 'utf8')).toBe(demo.privateKeyPem);
    expect((await stat(keyFile)).mode & 0o077).toBe(0);
  });
});
