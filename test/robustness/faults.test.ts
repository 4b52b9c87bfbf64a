import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { expectHealed, simulatorQuiet } from './heal.ts';
import {
  apiCalls,
  createInstallation,
  dropFleet,
  type Installation,
  ledgerRows,
  planSingles,
} from './support.ts';

describe('faults heal', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('heals 503s, dropped connections (after the change was applied) and replies past the timeout', async () => {
    install = await createInstallation({
      seed: 7,
      faults: { share503: 0.08, shareDrop: 0.05, dropAfterApply: true, shareSlow: 0.03, slowMs: 1500 },
    });
    const rows = planSingles(300, 10_000);
    dropFleet(install.inbox, 'feil.csv', rows);
    const result = await install.run({
      LEASINGTAKER_CONCURRENCY: '8',
      LEASINGTAKER_TIMEOUT_SECONDS: '1',
      LEASINGTAKER_MAX_ATTEMPTS: '8',
      LOG_LEVEL: 'debug',
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // Replies the client gave up on are still answered (and logged) by the simulator, up to slowMs later.
    await sleep(1600);
    await simulatorQuiet(install.local.sim, 200);
    const calls = expectHealed(install, rows, 'feil.csv', { maxCallsPerRow: 8, maxAverage: 1.5 });
    // The faults did happen, and the resends after a drop or a timeout were recognised as "already so".
    expect(calls.filter((c) => c.status === 503).length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.status === 'dropped').length).toBeGreaterThan(5);
    expect(ledgerRows(install.state).filter((row) => row.alreadySo).length).toBeGreaterThan(0);
  }, 60_000);

  it('honours Retry-After in a burst of 429s: the retry waits, and so does every other worker', async () => {
    install = await createInstallation({ seed: 3 });
    const { sim } = install.local;
    const rows = planSingles(300, 20_000);
    dropFleet(install.inbox, 'struping.csv', rows);
    const concurrency = 4;
    // A burst: from the 100th API call every call is throttled, until 3 rounds of 429s have gone by.
    const burst = setInterval(() => {
      const calls = apiCalls(sim.calls);
      const throttled = calls.filter((call) => call.status === 429).length;
      if (calls.length >= 100 && throttled === 0 && sim.faults.share429 === 0) {
        sim.faults = { ...sim.faults, share429: 1, retryAfterSeconds: 1 };
      } else if (throttled >= 3 * concurrency && sim.faults.share429 === 1) {
        sim.faults = { ...sim.faults, share429: 0 };
      }
    }, 2);
    const result = await install.run({
      LEASINGTAKER_CONCURRENCY: String(concurrency),
      LEASINGTAKER_MAX_ATTEMPTS: '8',
      LOG_LEVEL: 'debug',
    });
    clearInterval(burst);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const calls = expectHealed(install, rows, 'struping.csv', { maxCallsPerRow: 8, maxAverage: 1.2 });

    const throttled = calls.filter((call) => call.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(3 * concurrency);
    // The burst ended: not a 429 more than the workers in flight when it was switched off.
    expect(throttled.length).toBeLessThanOrEqual(4 * concurrency);
    for (const call of throttled) {
      // For Retry-After (1 s) after a 429, no worker started a request: the simulator saw only those already on
      // their way when the 429 came back (its clock is the client's: the same machine).
      const meanwhile = calls.filter((other) => other.at > call.at && other.at < call.at + 1000 - 5);
      expect(meanwhile.length).toBeLessThanOrEqual(concurrency - 1);
    }
    // And each throttled request waited the Retry-After itself before its retry.
    const retries = result.stdout
      .split('\n')
      .filter((line) => line.includes('"reason":"HTTP 429"'))
      .map((line) => JSON.parse(line) as { delayMs: number });
    expect(retries).toHaveLength(throttled.length);
    for (const retry of retries) expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('gets a new token when the API says the one in hand has expired, mid-run, without failing a row', async () => {
    // The simulator's clock jumps 12 s ahead three times during the run, past the tokens' 10 s lifetime: the
    // token the client holds (and would use for seconds more) is refused with 401 at once.
    let sim: Simulator | undefined;
    const jump = () => 12_000 * Math.min(3, Math.floor((sim?.calls.length ?? 0) / 120));
    install = await createInstallation({
      tokenLifetimeSeconds: 10,
      clockSkewSeconds: 3600,
      now: () => Date.now() + jump(),
    });
    sim = install.local.sim;
    const rows = planSingles(400, 30_000);
    dropFleet(install.inbox, 'token.csv', rows);
    const result = await install.run({ LEASINGTAKER_CONCURRENCY: '8', LOG_LEVEL: 'debug' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expectHealed(install, rows, 'token.csv', { maxCallsPerRow: 2, maxAverage: 1.1 });

    const unauthorized = apiCalls(sim.calls).filter((call) => call.status === 401);
    expect(unauthorized.length).toBeGreaterThanOrEqual(3);
    // One refresh per expiry, shared by the workers: the 401s are those in flight with the old token.
    expect(unauthorized.length).toBeLessThanOrEqual(3 * 8);
    const tokens = sim.calls.filter((call) => call.endpoint === 'token' && call.status === 200);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(tokens.length).toBeLessThanOrEqual(4 + 3 + 4);
  }, 60_000);
});
