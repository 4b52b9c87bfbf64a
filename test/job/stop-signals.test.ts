import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { type RunningCli, startCli } from '../support/spawn-cli.ts';
import { fnr } from '../support/synthetic.ts';

// The two-signal rule of `run` and `watch` (job/stop-signals.ts), on a real process: the first signal lets
// the requests in flight finish, a second exits at once with 130, and the next run still loses nothing.

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const PLATES = Array.from({ length: 30 }, (_, i) => `CU${40001 + i}`);

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('stopping `run` and `watch` with signals', { timeout: 90_000 }, () => {
  let harness: Harness;
  let child: RunningCli | undefined;
  beforeEach(async () => {
    harness = await createHarness();
    mkdirSync(harness.inbox, { recursive: true });
    writeFileSync(
      join(harness.inbox, 'lang.csv'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\n${PLATES.map((plate) => `${plate};OPPRETTE;${PERSON};Firkant`).join('\n')}\n`,
    );
  });
  afterEach(async () => {
    if (child?.running()) child.child.kill('SIGKILL');
    await child?.result;
    child = undefined;
    await harness.close();
  });

  const env = () => ({
    ...harness.local.env,
    LEASINGTAKER_INBOX: harness.inbox,
    LEASINGTAKER_REPORTS: harness.reports,
    LEASINGTAKER_STATE: harness.state,
    LEASINGTAKER_ARCHIVE: harness.archive,
    LEASINGTAKER_SETTLE_MS: '0',
    LEASINGTAKER_CONCURRENCY: '2',
  });
  const apiCalls = () => harness.local.sim.calls.filter((call) => call.endpoint === 'api').length;

  /** Sends `first`, waits until the process says it is finishing, then sends `second`. */
  async function twoSignals(
    running: RunningCli,
    first: NodeJS.Signals,
    second: NodeJS.Signals,
    firstSaid: string,
  ) {
    // Slow replies from here on, so that requests are in flight when the signals come.
    await waitFor('a few rows sent', () => apiCalls() >= 4);
    harness.local.sim.faults.latencyMs = 5_000;
    await sleep(200);
    running.child.kill(first);
    await waitFor('the answer to the first signal', () => running.output().stdout.includes(firstSaid));
    expect(running.running()).toBe(true);
    running.child.kill(second);
    const result = await running.result;
    harness.local.sim.faults.latencyMs = 0;
    return result;
  }

  it('run: the first SIGTERM finishes what is in flight, a second signal (SIGINT) exits at once with 130', async () => {
    child = startCli(['run'], env());
    const result = await twoSignals(child, 'SIGTERM', 'SIGINT', 'SIGTERM: finishing the requests in flight');
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGINT again: exiting now.');
    expect(result.stdout).not.toContain(PERSON);
    // Nothing is lost: the next run sends what was left and resends what was in flight.
    const next = await harness.run();
    expect(next.exitCode).toBe(0);
    expect(next.files[0]?.counts.ok).toBe(PLATES.length);
  });

  it('watch: the first SIGINT stops new runs, a second signal (SIGTERM) exits at once with 130', async () => {
    child = startCli(['watch'], env());
    const result = await twoSignals(child, 'SIGINT', 'SIGTERM', 'SIGINT: no new runs');
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGTERM again: exiting now.');
    const next = await harness.run();
    expect(next.exitCode).toBe(0);
    expect(next.files[0]?.counts.ok).toBe(PLATES.length);
  });
});
