// The job against the bare got loop over the same bodies (bench/bare-client.ts): what the job costs beyond the
// HTTP client, at 10 ms/C32 and 0 ms/C16.

import { fleetFile } from '../generate.ts';
import { type JobResult, perRowUs, runBare, runJob } from '../job.ts';
import { HAS_GNU_TIME, median } from '../measure.ts';
import type { Suite } from './suite.ts';

export const bare: Suite = {
  about: 'the job / the bare got loop at 10 ms, C32 and 0 ms, C16; CPU per row of each',
  async run(bench) {
    const rows = bench.sizes.bare;
    const file = await fleetFile(bench.inputs, 'csv', rows);
    for (const [latency, concurrency, target] of [
      [10, 32, 0.85],
      [0, 16, 0.6],
    ] as const) {
      const bound = latency > 0 ? concurrency / (latency / 1000) : Number.POSITIVE_INFINITY;
      process.stdout.write(
        `\nAgainst the bare client: ${rows} rows, latency ${latency} ms, C${concurrency}${Number.isFinite(bound) ? ` (bound ${bound} rows/s)` : ''}\n`,
      );
      const jobs: JobResult[] = [];
      const bares: JobResult[] = [];
      for (let run = 0; run < bench.runs; run++) {
        const tag = `${latency}ms-c${concurrency}-${run}`;
        // Alternating which goes first spreads a change of load over both.
        if (run % 2 === 0) {
          bares.push(await runBare(bench, rows, latency, concurrency, tag));
          jobs.push(await runJob(bench, file, latency, concurrency, tag));
        } else {
          jobs.push(await runJob(bench, file, latency, concurrency, tag));
          bares.push(await runBare(bench, rows, latency, concurrency, tag));
        }
      }
      const ratios = jobs.map((job, i) => job.rate / (bares[i] as JobResult).rate);
      const label = `${latency} ms, C${concurrency}`;
      bench.note({
        suite: 'bare',
        name: `job / bare loop (${label})`,
        value: median(ratios),
        unit: '',
        target: `>= ${target}`,
        holds: median(ratios) >= target,
        runs: ratios,
      });
      bench.note({
        suite: 'bare',
        name: `bare loop rows/s (${label})`,
        value: median(bares.map((r) => r.rate)),
        unit: 'rows/s',
        runs: bares.map((r) => r.rate),
        ...(Number.isFinite(bound)
          ? { detail: { shareOfBound: median(bares.map((r) => r.rate)) / bound } }
          : {}),
      });
      bench.note({
        suite: 'bare',
        name: `job rows/s (${label})`,
        value: median(jobs.map((r) => r.rate)),
        unit: 'rows/s',
        runs: jobs.map((r) => r.rate),
        ...(Number.isFinite(bound)
          ? { detail: { shareOfBound: median(jobs.map((r) => r.rate)) / bound } }
          : {}),
      });
      if (HAS_GNU_TIME) {
        bench.note({
          suite: 'bare',
          name: `bare loop CPU per row (${label})`,
          value: median(bares.map(perRowUs)),
          unit: 'µs',
          runs: bares.map(perRowUs),
        });
        bench.note({
          suite: 'bare',
          name: `job CPU per row (${label})`,
          value: median(jobs.map(perRowUs)),
          unit: 'µs',
          runs: jobs.map(perRowUs),
        });
      }
    }
  },
};
