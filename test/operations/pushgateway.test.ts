import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { logLines, WARN } from '../support/log-lines.ts';
import {
  type Pushgateway,
  prometheusAvailable,
  promtoolCheckMetrics,
  startPushgateway,
  valuesOf,
} from '../support/prometheus.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON_A = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const PERSON_B = fnr({ day: 5, month: 2, year: 1990, individ: 123 });
const INSTANCE = 'oslo-1';

/** A file with two ok rows, one the API stops (a plate the register doesn't know), and one invalid row. */
function dropMixedFile(harness: Harness): void {
  mkdirSync(harness.inbox, { recursive: true });
  writeFileSync(
    join(harness.inbox, 'mars.csv'),
    [
      'Kjennemerke;Handling;Fødselsnummer;Etternavn',
      `CU10001;OPPRETTE;${PERSON_A};Firkant`,
      `CU10002;OPPRETTE;${PERSON_B};Østby`,
      `XX10001;OPPRETTE;${PERSON_A};Firkant`,
      `C!;OPPRETTE;${PERSON_A};Firkant`,
    ]
      .map((line) => `${line}\r\n`)
      .join(''),
  );
}

describe.runIf(prometheusAvailable())('metrics pushed to a real Pushgateway', { timeout: 60_000 }, () => {
  let harness: Harness;
  let gateway: Pushgateway;
  beforeEach(async () => {
    [harness, gateway] = await Promise.all([createHarness(), startPushgateway()]);
  });
  afterEach(async () => {
    await Promise.all([harness.close(), gateway.stop()]);
  });
  const env = () => ({ LEASINGTAKER_PUSHGATEWAY_URL: gateway.url, LEASINGTAKER_INSTANCE: INSTANCE });

  it('shows the gauges of a run of a file with ok, stopped and invalid rows, grouped by job and instance', async () => {
    dropMixedFile(harness);
    const before = Date.now() / 1000;
    const result = await harness.run(env());
    expect(result.exitCode).toBe(0);

    const text = await gateway.text();
    const samples = await gateway.samples();
    const ours = samples.filter((sample) => sample.name.startsWith('leasingtaker_'));
    expect(ours.length).toBeGreaterThan(0);
    for (const sample of ours)
      expect(sample.labels).toMatchObject({ job: 'leasingtaker', instance: INSTANCE });

    expect(valuesOf(samples, 'leasingtaker_last_run_rows', ['owner', 'outcome'])).toEqual({
      'own,ok': 2,
      'own,stopped': 1,
      'own,failed': 0,
      'own,invalid': 1,
      'own,skipped': 0,
      'own,pending': 0,
    });
    // The API requests by status, as the simulator answered them.
    const answered: Record<string, number> = {};
    for (const call of harness.local.sim.calls.filter((c) => c.endpoint === 'api')) {
      answered[String(call.status)] = (answered[String(call.status)] ?? 0) + 1;
    }
    expect(Object.values(answered).reduce((a, b) => a + b, 0)).toBe(3);
    expect(valuesOf(samples, 'leasingtaker_last_run_api_requests', ['status'])).toEqual(answered);
    const single = (name: string) => valuesOf(samples, name, [])[''];
    expect(single('leasingtaker_last_run_exit_code')).toBe(0);
    const ended = single('leasingtaker_last_run_timestamp_seconds') ?? 0;
    expect(ended).toBeGreaterThanOrEqual(before);
    expect(ended).toBeLessThanOrEqual(Date.now() / 1000);
    expect(single('leasingtaker_last_success_timestamp_seconds')).toBe(ended);
    expect(single('leasingtaker_last_run_duration_seconds')).toBeGreaterThan(0);
    expect(single('leasingtaker_last_run_duration_seconds')).toBeLessThan(Date.now() / 1000 - before + 1);
    expect(valuesOf(samples, 'leasingtaker_rows_waiting', ['owner'])).toEqual({ own: 0 });
    expect(valuesOf(samples, 'leasingtaker_last_run_rows_given_up', ['owner'])).toEqual({ own: 0 });
    // What Prometheus would scrape from the Pushgateway passes its own lint.
    expect(await promtoolCheckMetrics(text)).toMatchObject({ code: 0 });
  });

  it('keeps the last success time when a later run fails, and shows its exit code 2', async () => {
    dropMixedFile(harness);
    await harness.run(env());
    const first = await gateway.samples();
    const success = valuesOf(first, 'leasingtaker_last_success_timestamp_seconds', [])[''];
    expect(success).toBeGreaterThan(0);

    chmodSync(harness.local.env.MASKINPORTEN_KEY_FILE ?? '', 0o644);
    const failed = await harness.run(env());
    expect(failed.exitCode).toBe(2);
    const second = await gateway.samples();
    const single = (name: string) => valuesOf(second, name, [])[''];
    expect(single('leasingtaker_last_run_exit_code')).toBe(2);
    expect(single('leasingtaker_last_success_timestamp_seconds')).toBe(success);
    expect(single('leasingtaker_last_run_timestamp_seconds')).toBeGreaterThan(success ?? 0);
    // The failed run sent nothing: its rows are zeros, not the first run's.
    expect(valuesOf(second, 'leasingtaker_last_run_rows', ['owner', 'outcome'])['own,ok']).toBe(0);
    expect(valuesOf(second, 'leasingtaker_last_run_api_requests', ['status'])).toEqual({});
  });

  it('shows rows waiting and given up by fleet owner, and the API requests that got no good answer', async () => {
    mkdirSync(harness.inbox, { recursive: true });
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn'];
    for (let i = 0; i < 4; i++) lines.push(`CU${30001 + i};OPPRETTE;${PERSON_A};Firkant`);
    writeFileSync(join(harness.inbox, 'nede.csv'), `${lines.join('\r\n')}\r\n`);
    harness.local.sim.faults.down = true;
    const settings = { ...env(), LEASINGTAKER_MAX_ATTEMPTS: '1', LEASINGTAKER_CONCURRENCY: '1' };
    expect((await harness.run({ ...settings, LEASINGTAKER_MAX_RUNS: '2' })).exitCode).toBe(1);
    let samples = await gateway.samples();
    expect(valuesOf(samples, 'leasingtaker_rows_waiting', ['owner'])).toEqual({ own: 4 });
    expect(valuesOf(samples, 'leasingtaker_last_run_rows', ['owner', 'outcome'])['own,failed']).toBe(4);
    expect(valuesOf(samples, 'leasingtaker_last_run_api_requests', ['status'])).toEqual({ '503': 4 });
    expect(valuesOf(samples, 'leasingtaker_last_run_exit_code', [])['']).toBe(1);
    // No run has succeeded yet: no last success to show.
    expect(samples.some((s) => s.name === 'leasingtaker_last_success_timestamp_seconds')).toBe(false);

    expect((await harness.run({ ...settings, LEASINGTAKER_MAX_RUNS: '2' })).exitCode).toBe(1);
    samples = await gateway.samples();
    expect(valuesOf(samples, 'leasingtaker_rows_waiting', ['owner'])).toEqual({ own: 0 });
    expect(valuesOf(samples, 'leasingtaker_last_run_rows_given_up', ['owner'])).toEqual({ own: 4 });
  });
});

describe('a push that fails', { timeout: 60_000 }, () => {
  let harness: Harness;
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await harness.close();
  });

  it('is a warning, not a failed run', async () => {
    dropMixedFile(harness);
    // A port nobody listens on: connection refused.
    const result = await harness.run({ LEASINGTAKER_PUSHGATEWAY_URL: 'http://127.0.0.1:9' });
    expect(result.exitCode).toBe(0);
    const warning = logLines(harness.logs()).find((line) => /push the metrics/.test(line.msg));
    expect(warning?.level).toBe(WARN);
    expect(warning?.msg).toContain('ECONNREFUSED');
  });

  it('gives up after a few seconds on a Pushgateway that takes the connection and never answers', async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const started = Date.now();
    const result = await harness.run({ LEASINGTAKER_PUSHGATEWAY_URL: `http://127.0.0.1:${port}` });
    expect(result.exitCode).toBe(0);
    // The push's own bound is 5 s; the rest is the run. Loose: the promise is "a few seconds", not forever.
    expect(Date.now() - started).toBeLessThan(15_000);
    const warning = logLines(harness.logs()).find((line) => /push the metrics/.test(line.msg));
    expect(warning?.level).toBe(WARN);
    expect(warning?.msg).toContain('no answer within 5 s');
  });
});
