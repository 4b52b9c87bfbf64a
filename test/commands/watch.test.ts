import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, startWatch } from '../support/harness.ts';
import type { RunningCli } from '../support/spawn-cli.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const HEADER = 'Kjennemerke;Handling;Fødselsnummer;Etternavn';

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Drops a file the way a copy tool does: written under a temporary name, then renamed. */
function drop(dir: string, name: string, lines: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.part`), `${lines.join('\r\n')}\r\n`);
  renameSync(join(dir, `${name}.part`), join(dir, name));
}

/** Rows per status in the ledger; none while the ledger is not there yet. */
function statuses(harness: Harness): Record<string, number> {
  const file = join(harness.state, 'ledger.sqlite');
  if (!existsSync(file)) return {};
  const db = new DatabaseSync(file, { readOnly: true, timeout: 1000 });
  try {
    const rows = db.prepare('SELECT status, count(*) AS n FROM rows GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  } catch {
    return {};
  } finally {
    db.close();
  }
}

describe('leasingtaker watch', { timeout: 90_000 }, () => {
  let harness: Harness;
  let watch: RunningCli | undefined;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(async () => {
    if (watch?.running()) watch.child.kill('SIGKILL');
    await watch?.result;
    watch = undefined;
    await harness.close();
  });

  const start = (env: Record<string, string> = {}) => startWatch(harness, env);

  it('runs for files dropped into the inbox and an owner folder, then exits 0 on SIGTERM', async () => {
    watch = start();
    const running = watch;
    await waitFor('the start-up run', () => running.output().stdout.includes('Run finished'));

    drop(harness.inbox, 'egen.csv', [HEADER, `CU10001;OPPRETTE;${PERSON};Firkant`]);
    await waitFor(
      'the report of egen.csv',
      () =>
        existsSync(harness.reports) && readdirSync(harness.reports).some((name) => name.startsWith('egen.')),
    );
    // A fleet owner's folder made while watching is watched too.
    drop(join(harness.inbox, '310555568'), 'eier.csv', [HEADER, `DG10001;OPPRETTE;${PERSON};Firkant`]);
    const ownerReports = join(harness.reports, '310555568');
    await waitFor(
      'the report of eier.csv',
      () => existsSync(ownerReports) && readdirSync(ownerReports).some((name) => name.startsWith('eier.')),
    );

    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    // Well inside the grace period (25 s): nothing was in flight, so nothing to wait for.
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    const runs = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => String(line.msg).startsWith('Run finished'));
    expect(runs.map((line) => line.trigger)).toEqual(['start', 'inbox', 'inbox']);
    expect(statuses(harness)).toEqual({ ok: 2 });
    expect(result.stdout).not.toContain(PERSON);
  });

  it('on SIGTERM during a run, records what was in flight and exits within the grace period; nothing is lost', async () => {
    harness.local.sim.faults.latencyMs = 150;
    const plates = Array.from({ length: 60 }, (_, i) => `CU${20001 + i}`);
    drop(harness.inbox, 'stor.csv', [
      HEADER,
      ...plates.map((plate) => `${plate};OPPRETTE;${PERSON};Firkant`),
    ]);
    watch = start({ LEASINGTAKER_CONCURRENCY: '2', LEASINGTAKER_GRACE_SECONDS: '10' });
    const running = watch;
    const apiCalls = () => harness.local.sim.calls.filter((call) => call.endpoint === 'api').length;
    await waitFor('a few rows sent', () => apiCalls() >= 6);

    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(result.stdout).toContain('Stopped watching.');
    // The interrupted file got its report, and the rows not sent wait for the next run.
    expect(readdirSync(harness.reports).some((name) => name.startsWith('stor.'))).toBe(true);
    // Requests in flight were answered and recorded, not cut off: no row is left "maybe sent".
    const after = statuses(harness);
    expect(after.sending).toBeUndefined();
    expect(after.ok ?? 0).toBeGreaterThan(0);
    expect((after.ok ?? 0) + (after.pending ?? 0)).toBe(plates.length);

    // The next run finishes the file: every row reaches its outcome, none is lost or doubled.
    harness.local.sim.faults.latencyMs = 0;
    const next = await harness.run();
    expect(next.exitCode).toBe(0);
    expect(statuses(harness)).toEqual({ ok: plates.length });
  });

  it('exits 1 when the grace period ends before a hanging request does; the next run resends it', async () => {
    drop(harness.inbox, 'heng.csv', [HEADER, `CU30001;OPPRETTE;${PERSON};Firkant`]);
    harness.local.sim.faults.shareSlow = 1;
    harness.local.sim.faults.slowMs = 20_000;
    watch = start({ LEASINGTAKER_GRACE_SECONDS: '2' });
    const running = watch;
    await waitFor('the request to hang', () => (statuses(harness).sending ?? 0) > 0);
    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(1);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(result.stdout).toContain('LEASINGTAKER_GRACE_SECONDS');

    harness.local.sim.faults.shareSlow = 0;
    const next = await harness.run();
    expect(next.exitCode).toBe(0);
    expect(statuses(harness)).toEqual({ ok: 1 });
  });
});
