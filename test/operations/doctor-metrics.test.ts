import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, installationEnv } from '../support/harness.ts';
import { type Pushgateway, prometheusAvailable, startPushgateway } from '../support/prometheus.ts';
import { spawnCli } from '../support/spawn-cli.ts';

describe('doctor checks where the metrics go', { timeout: 60_000 }, () => {
  let harness: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    harness = await createHarness();
    env = installationEnv(harness);
  });
  afterAll(async () => {
    await harness.close();
  });
  const line = (stdout: string, start: string) => stdout.split('\n').find((text) => text.includes(start));

  it('notes that none is set, and still passes', async () => {
    const result = await spawnCli(['doctor'], env, { cwd: harness.dir });
    expect(result.code).toBe(0);
    expect(line(result.stdout, 'Metrics: none set')).toMatch(/^– /);
  });

  it.runIf(prometheusAvailable())(
    'passes with a Pushgateway that is ready and a writable textfile folder',
    async () => {
      const gateway: Pushgateway = await startPushgateway();
      try {
        const result = await spawnCli(
          ['doctor'],
          {
            ...env,
            LEASINGTAKER_PUSHGATEWAY_URL: gateway.url,
            LEASINGTAKER_INSTANCE: 'oslo-1',
            LEASINGTAKER_METRICS_FILE: join(harness.dir, 'leasingtaker.prom'),
          },
          { cwd: harness.dir },
        );
        expect(result.code, result.stdout).toBe(0);
        expect(line(result.stdout, 'Pushgateway')).toBe(
          `✓ Pushgateway ${gateway.url}: ready; runs push to ${gateway.url}/metrics/job/leasingtaker/instance/oslo-1.`,
        );
        expect(line(result.stdout, 'Metrics file')).toMatch(/^✓ .*writable/);
      } finally {
        await gateway.stop();
      }
    },
  );

  it('fails when the Pushgateway does not answer or the textfile folder is missing', async () => {
    const result = await spawnCli(
      ['doctor'],
      {
        ...env,
        LEASINGTAKER_PUSHGATEWAY_URL: 'http://127.0.0.1:9',
        LEASINGTAKER_METRICS_FILE: join(harness.dir, 'missing', 'leasingtaker.prom'),
      },
      { cwd: harness.dir },
    );
    expect(result.code).toBe(2);
    expect(line(result.stdout, 'Pushgateway')).toMatch(/^✗ .*ECONNREFUSED.*LEASINGTAKER_PUSHGATEWAY_URL/);
    expect(line(result.stdout, 'Metrics file')).toMatch(/^✗ .*LEASINGTAKER_METRICS_FILE.*ENOENT/);
  });
});
