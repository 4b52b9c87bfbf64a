import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, startWatch } from '../support/harness.ts';
import { logLines } from '../support/log-lines.ts';
import {
  freePort,
  parseSamples,
  prometheusAvailable,
  promtoolCheckMetrics,
  valuesOf,
} from '../support/prometheus.ts';
import type { RunningCli } from '../support/spawn-cli.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('watch serves /metrics', { timeout: 90_000 }, () => {
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
  const finishedRuns = (running: RunningCli) =>
    logLines(running.output().stdout).filter((line) => line.msg.startsWith('Run finished')).length;

  it('with counters since start and the last run gauges, on the address set, until SIGTERM', async () => {
    const port = await freePort();
    watch = start({ LEASINGTAKER_METRICS_LISTEN: `127.0.0.1:${port}` });
    const running = watch;
    await waitFor('the start-up run', () => finishedRuns(running) === 1);
    const url = `http://127.0.0.1:${port}/metrics`;

    mkdirSync(harness.inbox, { recursive: true });
    writeFileSync(
      join(harness.inbox, '.mars.csv.part'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU10001;OPPRETTE;${PERSON};Firkant\r\nXX10001;OPPRETTE;${PERSON};Firkant\r\n`,
    );
    renameSync(join(harness.inbox, '.mars.csv.part'), join(harness.inbox, 'mars.csv'));
    await waitFor('the inbox run', () => finishedRuns(running) === 2);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const samples = parseSamples(text);
    expect(valuesOf(samples, 'leasingtaker_runs_total', ['exit_code'])).toEqual({ '0': 2 });
    const answered: Record<string, number> = {};
    for (const call of harness.local.sim.calls.filter((c) => c.endpoint === 'api')) {
      answered[String(call.status)] = (answered[String(call.status)] ?? 0) + 1;
    }
    expect(valuesOf(samples, 'leasingtaker_api_requests_total', ['status'])).toEqual(answered);
    expect(valuesOf(samples, 'leasingtaker_rows_sent_total', ['outcome'])).toEqual({ ok: 1, stopped: 1 });
    expect(valuesOf(samples, 'leasingtaker_last_run_rows', ['owner', 'outcome'])).toMatchObject({
      'own,ok': 1,
      'own,stopped': 1,
    });
    expect(valuesOf(samples, 'leasingtaker_last_run_exit_code', [])).toEqual({ '': 0 });
    // Node's own process metrics, as any long-lived service has.
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true);
    // Ours pass promtool's lint. (prom-client's own nodejs_active_*_total gauges do not: its naming, not ours.)
    const ours = text
      .split('\n')
      .filter((line) => /^(# (HELP|TYPE) )?leasingtaker_/.test(line))
      .join('\n');
    if (prometheusAvailable())
      expect(await promtoolCheckMetrics(`${ours}\n`)).toEqual({ code: 0, output: '' });
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    running.child.kill('SIGTERM');
    expect((await running.result).code).toBe(0);
    // The port is free again.
    await expect(fetch(url)).rejects.toThrow();
  });

  it('exits 2 when the address is taken or wrong, before any run', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const taken = await start({ LEASINGTAKER_METRICS_LISTEN: `127.0.0.1:${port}` }).result;
      expect(taken.code).toBe(2);
      expect(taken.stdout).toContain('EADDRINUSE');
      expect(taken.stdout).not.toContain('Run finished');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const wrong = await start({ LEASINGTAKER_METRICS_LISTEN: 'localhost' }).result;
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('LEASINGTAKER_METRICS_LISTEN must be host:port');
  });
});
