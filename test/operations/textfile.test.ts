import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { logLines, WARN } from '../support/log-lines.ts';
import { parseSamples, prometheusAvailable, promtoolCheckMetrics, valuesOf } from '../support/prometheus.ts';
import { startCli } from '../support/spawn-cli.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });

// For cron and systemd timers: node_exporter's textfile collector reads *.prom files from a folder.
describe('the metrics file for node_exporter', () => {
  let harness: Harness;
  let folder: string;
  let file: string;
  beforeEach(async () => {
    harness = await createHarness();
    folder = join(harness.dir, 'textfile');
    mkdirSync(folder);
    file = join(folder, 'leasingtaker.prom');
    mkdirSync(harness.inbox, { recursive: true });
    writeFileSync(
      join(harness.inbox, 'mars.csv'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU10001;OPPRETTE;${PERSON};Firkant\r\nC!;OPPRETTE;${PERSON};Firkant\r\n`,
    );
  });
  afterEach(async () => {
    await harness.close();
  });

  it.runIf(prometheusAvailable())(
    'is written after the run, passes promtool check metrics, and is world-readable',
    async () => {
      const result = await harness.run({ LEASINGTAKER_METRICS_FILE: file });
      expect(result.exitCode).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
      const samples = parseSamples(text);
      expect(valuesOf(samples, 'leasingtaker_last_run_rows', ['owner', 'outcome'])).toMatchObject({
        'own,ok': 1,
        'own,invalid': 1,
      });
      expect(valuesOf(samples, 'leasingtaker_last_run_exit_code', [])).toEqual({ '': 0 });
      expect(statSync(file).mode & 0o777).toBe(0o644);
      // Only the file: no temporary left beside it for the collector to trip over.
      expect(readdirSync(folder)).toEqual(['leasingtaker.prom']);
      expect(text).not.toContain(PERSON);
    },
  );

  it('keeps the last success through a failed run, which it shows with exit code 2', async () => {
    await harness.run({ LEASINGTAKER_METRICS_FILE: file });
    const success = valuesOf(
      parseSamples(readFileSync(file, 'utf8')),
      'leasingtaker_last_success_timestamp_seconds',
      [],
    );
    chmodSync(harness.local.env.MASKINPORTEN_KEY_FILE ?? '', 0o644);
    expect((await harness.run({ LEASINGTAKER_METRICS_FILE: file })).exitCode).toBe(2);
    const samples = parseSamples(readFileSync(file, 'utf8'));
    expect(valuesOf(samples, 'leasingtaker_last_run_exit_code', [])).toEqual({ '': 2 });
    expect(valuesOf(samples, 'leasingtaker_last_success_timestamp_seconds', [])).toEqual(success);
    // The failed run never read the ledger; it shows the rows waiting as the last run that did left them.
    expect(valuesOf(samples, 'leasingtaker_rows_waiting', ['owner'])).toEqual({ own: 0 });
  });

  it('that cannot be written is a warning, not a failed run', async () => {
    const result = await harness.run({
      LEASINGTAKER_METRICS_FILE: join(harness.dir, 'no-such-folder', 'x.prom'),
    });
    expect(result.exitCode).toBe(0);
    const warning = logLines(harness.logs()).find((line) => /metrics file/.test(line.msg));
    expect(warning?.level).toBe(WARN);
    expect(warning?.msg).toContain('ENOENT');
  });

  it('shows exit code 2 when the configuration itself has problems', async () => {
    const env = {
      ...harness.local.env,
      LEASINGTAKER_STATE: harness.state,
      LEASINGTAKER_CONCURRENCY: 'many',
      LEASINGTAKER_METRICS_FILE: file,
    };
    const result = await startCli(['run'], env, { cwd: harness.dir }).result;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LEASINGTAKER_CONCURRENCY');
    expect(logLines(result.stdout).at(-1)?.msg).toMatch(
      /^Run finished: exit 2; needs attention: configuration/,
    );
    expect(valuesOf(parseSamples(readFileSync(file, 'utf8')), 'leasingtaker_last_run_exit_code', [])).toEqual(
      {
        '': 2,
      },
    );
  });

  it('is left alone by a run that finds another at work: that one publishes its own', async () => {
    const { acquireRunLock } = await import('../../src/job/run-lock.ts');
    mkdirSync(harness.state, { recursive: true });
    const release = await acquireRunLock(harness.state);
    try {
      expect((await harness.run({ LEASINGTAKER_METRICS_FILE: file })).exitCode).toBe(0);
    } finally {
      await release();
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  it('shows a run that failed on something unforeseen as failed', async () => {
    // The inbox is a file: the run cannot make it a folder, an error no part of the run handles.
    const { rmSync } = await import('node:fs');
    rmSync(harness.inbox, { recursive: true });
    writeFileSync(harness.inbox, 'not a folder');
    const exitCode = await harness.run({ LEASINGTAKER_METRICS_FILE: file }).then(
      (result) => result.exitCode,
      () => 'threw',
    );
    expect(exitCode).not.toBe(0);
    const shown = valuesOf(parseSamples(readFileSync(file, 'utf8')), 'leasingtaker_last_run_exit_code', []);
    expect(shown['']).toBeGreaterThan(0);
  });

  it('must end in .prom, the only files the collector reads', () => {
    expect(() => harness.config({ LEASINGTAKER_METRICS_FILE: join(folder, 'leasingtaker.txt') })).toThrow(
      /LEASINGTAKER_METRICS_FILE must end in \.prom/,
    );
  });
});
