// Where a benchmark's figures go: the machine and commit they were measured on, and the results file with its
// chart, bench/results/<time>.json and .svg, and latest.json / latest.svg beside them (not committed).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { writeChart } from './chart.ts';
import { ROOT, type Sizes } from './context.ts';
import type { Figure } from './figures.ts';
import { HAS_GNU_TIME } from './measure.ts';

export function machineInfo() {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    peakRssFrom: HAS_GNU_TIME ? '/usr/bin/time (ru_maxrss)' : '/proc/<pid>/status VmHWM, polled every 20 ms',
  };
}

/** The short commit, and how many files in src/ and bin/ differ from it (what was measured is not the commit). */
export function commitInfo(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} changed file(s) in src/bin` : head;
  } catch {
    return 'unknown';
  }
}

export interface BenchReport {
  readonly at: string;
  readonly quick: boolean;
  readonly runsPerFigure: number;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly commit: string;
  readonly loadAverageAtSuiteStart: Record<string, number[]>;
  readonly loadAverageAtEnd: number[];
  readonly totalSeconds: number;
  readonly sizes: Sizes;
  readonly figures: readonly Figure[];
}

/** Writes the report and its chart; returns their paths. */
export function writeResults(report: BenchReport): { json: string; chart: string } {
  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const path = join(
    results,
    `${report.at.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}${report.quick ? '-quick' : ''}.json`,
  );
  writeFileSync(path, json);
  writeFileSync(join(results, 'latest.json'), json);
  const chart = writeChart(path.replace(/\.json$/, '.svg'), report);
  writeChart(join(results, 'latest.svg'), report);
  return { json: path, chart };
}
