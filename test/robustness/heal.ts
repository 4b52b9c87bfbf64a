// What a run through API faults must show, shared by the CI test and the soak.

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { CallRecord, Simulator } from '../../src/simulator/types.ts';
import {
  apiCalls,
  callKey,
  findSecrets,
  type Installation,
  latestSummary,
  ledgerRows,
  type PlannedRow,
} from './support.ts';

/** The calls that reached the register, by plate|handling (one row per plate here); faults carry no plate. */
export function appliedByRow(calls: readonly CallRecord[]): Map<string, CallRecord[]> {
  const byKey = new Map<string, CallRecord[]>();
  for (const call of calls) {
    if (call.kjennemerke === undefined) continue;
    byKey.set(callKey(call), [...(byKey.get(callKey(call)) ?? []), call]);
  }
  return byKey;
}

/** Waits for calls the client gave up on (slow replies) to be answered and logged by the simulator. */
export async function simulatorQuiet(sim: Simulator, quietMs: number): Promise<void> {
  let seen = -1;
  while (sim.calls.length !== seen) {
    seen = sim.calls.length;
    await sleep(quietMs);
  }
}

/**
 * The promises that hold whatever the faults: every row ends with its expected outcome and changed the register
 * exactly once; every call the simulator saw is one of a row's attempts as the ledger counts them (no call
 * unaccounted for), each row took at most `maxCallsPerRow`, and the run as a whole at most `maxAverage` per
 * row (no retry storm). Nothing personal or secret reached the output.
 */
export function expectHealed(
  install: Installation,
  rows: readonly PlannedRow[],
  name: string,
  bounds: { maxCallsPerRow: number; maxAverage: number },
): CallRecord[] {
  const { sim } = install.local;
  const calls = apiCalls(sim.calls);
  const applied = appliedByRow(calls);
  const ledger = new Map(ledgerRows(install.state).map((row) => [`${row.plate}|${row.handling}`, row]));
  for (const row of rows) {
    const state = ledger.get(row.key);
    const mine = applied.get(row.key) ?? [];
    const where = `${row.key}: ${JSON.stringify(state)} ${JSON.stringify(mine.map((c) => [c.status, c.result, c.merknadKoder]))}`;
    expect(state?.status, where).toBe(row.expected);
    expect(state?.attempts, where).toBeGreaterThan(0);
    expect(state?.attempts, where).toBeLessThanOrEqual(bounds.maxCallsPerRow);
    // Changed in the register once, whether that call was answered, dropped after applying, or slow.
    if (row.expected === 'ok')
      expect(
        mine.filter((c) => c.result === 'ok'),
        where,
      ).toHaveLength(1);
  }
  const attempts = [...ledger.values()].reduce((sum, row) => sum + row.attempts, 0);
  expect(calls).toHaveLength(attempts);
  expect(calls.length / rows.length).toBeLessThanOrEqual(bounds.maxAverage);
  const count = (expected: string) => rows.filter((row) => row.expected === expected).length;
  expect(latestSummary(install.reports, name)).toMatchObject({
    rows: rows.length,
    ok: count('ok'),
    stopped: count('stopped'),
    failed: 0,
  });
  expect(
    findSecrets(install.output(), {
      fnrs: rows.map((row) => row.fnr),
      tokens: sim.issuedTokens(),
      keyFile: install.local.env.MASKINPORTEN_KEY_FILE,
    }),
  ).toEqual([]);
  return calls;
}
