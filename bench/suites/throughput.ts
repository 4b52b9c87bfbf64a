// Throughput against the bound: the job's rows a second over C / L at 40 ms and C16, the bare loop beside it.

import { fleetFile } from '../generate.ts';
import { type JobResult, runBare, runJob } from '../job.ts';
import { median } from '../measure.ts';
import type { Suite } from './suite.ts';

export const throughput: Suite = {
  about: 'the job at 40 ms, C16: its share of the bound C / L, the bare loop beside it',
  async run(bench) {
    const rows = bench.sizes.throughput;
    const latency = 40;
    const concurrency = 16;
    const bound = concurrency / (latency / 1000);
    process.stdout.write(
      `\nThroughput vs the bound: ${rows} rows, latency ${latency} ms, C${concurrency} (bound ${bound} rows/s)\n`,
    );
    const file = await fleetFile(bench.inputs, 'csv', rows);
    const jobs: JobResult[] = [];
    const bares: JobResult[] = [];
    for (let run = 0; run < bench.runs; run++) {
      jobs.push(await runJob(bench, file, latency, concurrency, `throughput-${run}`));
      bares.push(await runBare(bench, rows, latency, concurrency, `throughput-${run}`));
    }
    const share = (results: JobResult[]) => results.map((r) => r.rate / bound);
    bench.note({
      suite: 'throughput',
      name: `job: share of the bound (${latency} ms, C${concurrency})`,
      value: median(share(jobs)),
      unit: '',
      target: '>= 0.90',
      holds: median(share(jobs)) >= 0.9,
      runs: share(jobs),
      detail: { rows, bound, rates: jobs.map((r) => r.rate), runMs: jobs.map((r) => r.runMs) },
    });
    bench.note({
      suite: 'throughput',
      name: 'job: rows/s (whole process)',
      value: median(jobs.map((r) => r.rate)),
      unit: 'rows/s',
      runs: jobs.map((r) => r.rate),
    });
    bench.note({
      suite: 'throughput',
      name: 'bare loop: share of the bound (for reference)',
      value: median(share(bares)),
      unit: '',
      runs: share(bares),
      detail: { rates: bares.map((r) => r.rate) },
    });
    bench.note({
      suite: 'throughput',
      name: 'bare loop: rows/s (whole process)',
      value: median(bares.map((r) => r.rate)),
      unit: 'rows/s',
      runs: bares.map((r) => r.rate),
    });
    // Pair by pair: each job run against the bare loop run right after it, so a change of load moves both.
    const ratios = jobs.map((job, i) => job.rate / (bares[i] as JobResult).rate);
    bench.note({
      suite: 'throughput',
      name: `job / bare loop, whole run (${latency} ms, C${concurrency})`,
      value: median(ratios),
      unit: '',
      target: '>= 0.95',
      holds: median(ratios) >= 0.95,
      runs: ratios,
    });
  },
};
