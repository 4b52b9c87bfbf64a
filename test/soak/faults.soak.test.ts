import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { expectHealed, simulatorQuiet } from '../robustness/heal.ts';
import {
  apiCalls,
  createInstallation,
  dropFleet,
  type Installation,
  planSingles,
} from '../robustness/support.ts';

// Every fault at once, for longer: 503s, drops after the change was applied, replies past the timeout, a 429
// burst, and tokens refused as expired twice mid-run. Still every row ends as it should, in bounded calls.
describe('faults heal (soak)', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
  });

  it('heals every fault at once over thousands of rows', async () => {
    let sim: Simulator | undefined;
    install = await createInstallation({
      seed: Number(process.env.SOAK_SEED ?? 5),
      faults: { share503: 0.08, shareDrop: 0.04, dropAfterApply: true, shareSlow: 0.02, slowMs: 1500 },
      tokenLifetimeSeconds: 10,
      clockSkewSeconds: 3600,
      now: () => Date.now() + 12_000 * Math.min(2, Math.floor((sim?.calls.length ?? 0) / 1500)),
    });
    sim = install.local.sim;
    const live = sim;
    const rows = planSingles(3000, 10_000);
    dropFleet(install.inbox, 'alt.csv', rows);
    let burstDone = false;
    const burst = setInterval(() => {
      const calls = apiCalls(live.calls);
      const throttled = calls.filter((call) => call.status === 429).length;
      if (!burstDone && calls.length >= 1000 && live.faults.share429 === 0) {
        live.faults = { ...live.faults, share429: 0.86, retryAfterSeconds: 1 };
      } else if (throttled >= 16 && live.faults.share429 > 0) {
        burstDone = true;
        live.faults = { ...live.faults, share429: 0 };
      }
    }, 2);
    const result = await install.run({
      LEASINGTAKER_CONCURRENCY: '8',
      LEASINGTAKER_TIMEOUT_SECONDS: '1',
      LEASINGTAKER_MAX_ATTEMPTS: '10',
      LOG_LEVEL: 'debug',
    });
    clearInterval(burst);
    expect(result.code, result.stderr).toBe(0);
    await sleep(1600);
    await simulatorQuiet(live, 200);
    const calls = expectHealed(install, rows, 'alt.csv', { maxCallsPerRow: 10, maxAverage: 1.5 });
    console.log(
      `faults soak: ${rows.length} rows, ${calls.length} calls (${(calls.length / rows.length).toFixed(3)} per row): ` +
        ['503', 'dropped', '429', '401']
          .map((s) => `${s} ${calls.filter((c) => String(c.status) === s).length}`)
          .join(', '),
    );
    expect(calls.filter((c) => c.status === 401).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
  });
});
