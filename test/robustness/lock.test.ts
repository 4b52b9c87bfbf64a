import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  archivedInputs,
  callKey,
  createInstallation,
  dropFleet,
  type Installation,
  type PlannedRow,
  planSingles,
  summariesByFile,
} from '../support/installation.ts';

const LOCKED = /Another run is working with the state folder/;

/** Every row's request reached the simulator exactly once. */
function expectEachRowOnce(install: Installation, rows: readonly PlannedRow[]): void {
  const counts = new Map<string, number>();
  for (const call of apiCalls(install.local.sim.calls)) {
    counts.set(callKey(call), (counts.get(callKey(call)) ?? 0) + 1);
  }
  const wrong = rows
    .filter((row) => counts.get(row.key) !== 1)
    .map((row) => `${row.key}: ${counts.get(row.key)}`);
  expect(wrong).toEqual([]);
  expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(rows.length);
}

async function untilApiCalls(install: Installation, count: number): Promise<void> {
  while (apiCalls(install.local.sim.calls).length < count) await sleep(5);
}

describe('one run at a time', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation({ faults: { latencyMs: 2 } });
  });
  afterEach(async () => {
    await install.close();
  });

  it('a run started while another works does nothing, says so and exits 0; the first finishes alone', async () => {
    const rows = planSingles(300, 60_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    const first = install.start();
    await untilApiCalls(install, 1);
    // Frozen mid-run (as a run stalled on a slow volume would be): it still holds the lock.
    first.child.kill('SIGSTOP');
    // What it had on its way is answered (and logged) all the same; after that, the simulator hears nothing.
    let before = -1;
    while (apiCalls(install.local.sim.calls).length !== before) {
      before = apiCalls(install.local.sim.calls).length;
      await sleep(100);
    }
    const second = await install.run();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(LOCKED);
    expect(apiCalls(install.local.sim.calls).length).toBe(before);
    first.child.kill('SIGCONT');
    const done = await first.result;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expectEachRowOnce(install, rows);
  });

  it('two runs started together never take the same file or row', async () => {
    const rows = [planSingles(250, 61_000), planSingles(250, 62_000), planSingles(250, 63_000)];
    rows.forEach((fleet, i) => {
      dropFleet(install.inbox, `flate-${i + 1}.csv`, fleet);
    });
    const [a, b] = await Promise.all([install.run(), install.run()]);
    expect(a?.code).toBe(0);
    expect(b?.code).toBe(0);
    // One of them found the other at work (or, started late, nothing left to do).
    expect(`${a?.stdout}${b?.stdout}`).toMatch(/Another run is working|Nothing to do/);
    expectEachRowOnce(install, rows.flat());
    const summaries = summariesByFile(install.reports);
    expect([...summaries.keys()].sort()).toEqual(['flate-1.csv', 'flate-2.csv', 'flate-3.csv']);
    for (const list of summaries.values()) expect(list).toHaveLength(1);
    expect(archivedInputs(install.archive)).toHaveLength(3);
  });

  it('a run killed with SIGKILL leaves no lock: the next run starts at once and finishes its work', async () => {
    const rows = planSingles(500, 64_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    const first = install.start();
    await untilApiCalls(install, 50);
    first.child.kill('SIGKILL');
    expect((await first.result).signal).toBe('SIGKILL');
    const next = await install.run();
    expect(next.stdout).not.toMatch(LOCKED);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(summariesByFile(install.reports).get('flate.csv')?.at(-1)).toMatchObject({
      rows: 500,
      failed: 0,
    });
  });
});
