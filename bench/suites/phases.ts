// The whole run as the scheduler sees it, in three parts: from start to the first request to the API, the API
// phase (first request to last answer), and the tail (last answer to exit: the rest of the report, the ledger's
// backup). For CSV and xlsx, 4,000 and 20,000 rows, started directly and through npx; 40 ms, C16.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../context.ts';
import { fleetFile } from '../generate.ts';
import { type JobResult, runJob, type StartPath } from '../job.ts';
import { median } from '../measure.ts';
import type { Suite } from './suite.ts';

const HOOK = join(ROOT, 'bench', 'phase-hook.js');
const LATENCY = 40;
const CONCURRENCY = 16;

interface Case {
  readonly format: 'csv' | 'xlsx';
  readonly rows: number;
  readonly start: StartPath;
}

interface Phases {
  readonly startMs: number;
  readonly apiMs: number;
  readonly tailMs: number;
}

export const phases: Suite = {
  about:
    'start, API phase and tail of a run: CSV and xlsx, 4,000 and 20,000 rows, direct and npx (40 ms, C16)',
  async run(bench) {
    const small = bench.quick ? 1_000 : 4_000;
    const large = bench.quick ? 2_000 : 20_000;
    const cases: Case[] = [
      { format: 'csv', rows: small, start: 'flags' },
      { format: 'csv', rows: small, start: 'npx' },
      { format: 'xlsx', rows: small, start: 'flags' },
      { format: 'csv', rows: large, start: 'flags' },
      { format: 'xlsx', rows: large, start: 'flags' },
    ];
    process.stdout.write(
      `\nPhases of a run, ${LATENCY} ms, C${CONCURRENCY}: start (to the first API request), API phase, tail\n`,
    );
    for (const c of cases) {
      const file = await fleetFile(bench.inputs, c.format, c.rows);
      const runs: Phases[] = [];
      for (let run = 0; run < bench.runs; run++) {
        const out = join(bench.freshDir(`phases-${c.format}-${c.rows}-${c.start}-${run}`), 'phases.jsonl');
        const result = await runJob(bench, file, LATENCY, CONCURRENCY, `phases-${run}`, c.start, {
          nodeFlags: [`--import=${HOOK}`],
          env: { LEASINGTAKER_BENCH_PHASES: out },
        });
        runs.push(phasesOf(result, out));
        rmSync(out, { force: true });
      }
      const label = `${c.format} ${c.rows} rows, ${c.start === 'npx' ? 'npx leasingtaker' : 'node (container)'}`;
      const ms = (pick: (p: Phases) => number) => runs.map(pick).map(Math.round);
      for (const [part, pick] of [
        ['start', (p: Phases) => p.startMs],
        ['API phase', (p: Phases) => p.apiMs],
        ['tail', (p: Phases) => p.tailMs],
      ] as const) {
        bench.note({
          suite: 'phases',
          name: `${label}: ${part}`,
          value: median(ms(pick)),
          unit: 'ms',
          runs: ms(pick),
          detail: { rows: c.rows, format: c.format, start: c.start },
        });
      }
    }
  },
};

/** The job's own timestamps (phase-hook.js) against the process's spawn and exit as the benchmark saw them. */
function phasesOf(result: JobResult, out: string): Phases {
  const line = readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '{}';
  const { firstAt, lastAt, requests } = JSON.parse(line) as {
    firstAt: number;
    lastAt: number;
    requests: number;
  };
  if (requests !== result.rows) throw new Error(`phases: ${requests} API requests for ${result.rows} rows`);
  const exitAt = result.startedAt + result.wallMs;
  return { startMs: firstAt - result.startedAt, apiMs: lastAt - firstAt, tailMs: exitAt - lastAt };
}
