// The real Prometheus parts the metrics are tested against: Debian's prometheus-pushgateway, started per test
// on a free loopback port with a persistence file of its own, and promtool. .ci/run installs both; elsewhere
// the tests that need them are skipped with a note, unless LEASINGTAKER_REQUIRE_PROMETHEUS=1 (CI) says they
// must run.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PUSHGATEWAY_BIN = '/usr/bin/prometheus-pushgateway';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/** Whether the tests can run here; throws where they must (CI) but can't. */
export function prometheusAvailable(): boolean {
  const present = existsSync(PUSHGATEWAY_BIN) && existsSync(PROMTOOL_BIN);
  if (!present && process.env.LEASINGTAKER_REQUIRE_PROMETHEUS === '1') {
    throw new Error(
      `${PUSHGATEWAY_BIN} or ${PROMTOOL_BIN} is missing: apt-get install prometheus-pushgateway prometheus`,
    );
  }
  if (!present) {
    process.stderr.write(
      'Skipping the Pushgateway and promtool tests: apt-get install prometheus-pushgateway prometheus\n',
    );
  }
  return present;
}

export interface Pushgateway {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What the Pushgateway exposes to Prometheus, parsed. */
  samples(): Promise<Sample[]>;
  /** The exposition text itself. */
  text(): Promise<string>;
  stop(): Promise<void>;
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a Pushgateway on 127.0.0.1 and waits until it is ready; `stop()` ends it and removes its data. */
export async function startPushgateway(): Promise<Pushgateway> {
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-pushgateway-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      PUSHGATEWAY_BIN,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        `--persistence.file=${join(dir, 'pushgateway.data')}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    if (await ready(url, child)) {
      return {
        url,
        text: () => fetch(`${url}/metrics`).then((response) => response.text()),
        samples: async () => parseSamples(await fetch(`${url}/metrics`).then((response) => response.text())),
        async stop() {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    // The port may have been taken between looking and listening: another one.
    if (attempt === 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`The Pushgateway did not start: ${log}`);
    }
  }
}

async function ready(url: string, child: ChildProcess): Promise<boolean> {
  const until = Date.now() + 15_000;
  while (Date.now() < until && child.exitCode === null) {
    const ok = await fetch(`${url}/-/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

/** Sample lines of the text format (no timestamps, as the Pushgateway and prom-client write them). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] as string] = (label[2] as string).replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples of one metric, as `labels → value` with the labels given in `keys` joined by `,`. */
export function valuesOf(
  samples: readonly Sample[],
  name: string,
  keys: readonly string[],
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const sample of samples.filter((s) => s.name === name)) {
    values[keys.map((key) => sample.labels[key] ?? '').join(',')] = sample.value;
  }
  return values;
}

/** `promtool check metrics` on a text: its exit code and what it said. */
export function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL_BIN, ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

/** `promtool check rules FILE...`. */
export function promtoolCheckRules(files: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL_BIN, ['check', 'rules', ...files], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
