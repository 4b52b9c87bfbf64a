import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faultSettings } from '../../src/simulator/faults.ts';
import type { FaultSettings } from '../../src/simulator/types.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { simulatorQuiet } from './heal.ts';
import { apiCalls, dropFleet, latestSummary, ledgerRows, planSingles } from './support.ts';

// Issue 13.2: the API applies a change but its answer is lost. The row ends the run failed; in a later run its
// resend meets the "already so" merknad, which must count as ok (the register holds what the row asked), not as
// stopped, however many runs later that is. In-process runs against the simulator over real HTTP.
describe('a change whose answer was lost counts as done in a later run', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    mkdirSync(harness.inbox, { recursive: true });
  });
  afterEach(async () => {
    await harness.close();
  });

  const env = {
    LEASINGTAKER_CONCURRENCY: '4',
    // One attempt a run: the answer is lost in this run, the resend is the next run's.
    LEASINGTAKER_MAX_ATTEMPTS: '1',
    LEASINGTAKER_BREAKER_THRESHOLD: '1000',
    LEASINGTAKER_TIMEOUT_SECONDS: '1',
  };

  const lost: [string, Partial<FaultSettings>][] = [
    ['a reset after the change was applied', { shareDrop: 1, dropAfterApply: true }],
    ['a 500 after the change was applied', { share500: 1, error500AfterApply: true }],
    ['a reply slower than the timeout', { shareSlow: 1, slowMs: 1300 }],
  ];

  for (const [what, faults] of lost) {
    it(`${what}: ok in the next run, and in a run after one that could not reach the API`, async () => {
      const { sim } = harness.local;
      const rows = planSingles(12, 60_000);
      dropFleet(harness.inbox, 'tapt.csv', rows);
      sim.faults = faultSettings(faults);
      const first = await harness.run(env);
      expect(first.exitCode).toBe(1);
      expect(latestSummary(harness.reports, 'tapt.csv')).toMatchObject({ rows: 12, ok: 0, failed: 12 });
      // The retry file says so, lest staff make the change again by hand.
      const retry = readdirSync(harness.reports).find((name) => name.endsWith('.igjen.csv')) ?? '';
      expect(readFileSync(join(harness.reports, retry), 'latin1')).toContain('kan likevel ha g');
      // Every change reached the register, though the run heard of none (a slow one after the client gave up).
      await sleep(faults.slowMs ?? 0);
      await simulatorQuiet(sim, 100);
      const applied = apiCalls(sim.calls).filter((call) => call.result === 'ok');
      expect(applied).toHaveLength(rows.filter((row) => row.expected === 'ok').length);

      // A run in which the API is down: the resends cannot reach it, and the rows stay failed.
      sim.faults = faultSettings({ down: true });
      expect((await harness.run(env)).exitCode).toBe(1);
      expect(latestSummary(harness.reports, 'tapt.csv')).toMatchObject({ ok: 0, failed: 12 });

      sim.faults = faultSettings();
      const before = apiCalls(sim.calls).length;
      const third = await harness.run(env);
      expect(third.exitCode).toBe(0);
      expect(latestSummary(harness.reports, 'tapt.csv')).toMatchObject({
        rows: 12,
        ok: rows.filter((row) => row.expected === 'ok').length,
        stopped: rows.filter((row) => row.expected === 'stopped').length,
        failed: 0,
      });
      // Each row once more, each "already so" (nothing changed twice), and recorded as such.
      const resends = apiCalls(sim.calls).slice(before);
      expect(resends).toHaveLength(12);
      expect(resends.filter((call) => call.result === 'ok')).toHaveLength(0);
      const okRows = ledgerRows(harness.state).filter((row) => row.status === 'ok');
      expect(okRows.every((row) => row.alreadySo)).toBe(true);
    }, 30_000);
  }
});
