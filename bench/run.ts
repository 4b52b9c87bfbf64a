// `npm run bench -- [suite ...] [--quick] [--runs N] [--no-build] [--profile]`; `--help` lists the suites.
//
// Builds dist/ (what users run), then measures the job as users run it: `node --max-old-space-size=160
// --max-semi-space-size=8 bin/leasingtaker.js run` as a child process, against the embedded simulator in a
// process of its own on loopback, with generated fleet files. One file per suite in bench/suites/; see
// bench/README.md for the method and how to read the figures. Results: a table on stdout and
// bench/results/<time>.json (+ latest.json) with a chart beside it.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBench } from './context.ts';
import { buildDist } from './job.ts';
import { HAS_GNU_TIME } from './measure.ts';
import { commitInfo, machineInfo, writeResults } from './results.ts';
import { bare } from './suites/bare.ts';
import { memory } from './suites/memory.ts';
import { peers } from './suites/peers.ts';
import { phases } from './suites/phases.ts';
import { startup } from './suites/startup.ts';
import type { Suite } from './suites/suite.ts';
import { throughput } from './suites/throughput.ts';

/** Every suite, in the order `npm run bench` without names runs them. */
const SUITES: Readonly<Record<string, Suite>> = { throughput, bare, phases, memory, startup, peers };

const OPTIONS = {
  quick: { type: 'boolean', about: 'smaller files and 1 run per figure: a smoke test of the benchmark' },
  runs: { type: 'string', about: 'runs per figure, the figure their median (default 3, 1 with --quick)' },
  'no-build': { type: 'boolean', about: 'measure dist/ as it is, without building it first' },
  profile: { type: 'boolean', about: 'write V8 CPU profiles of every process to bench/results/profiles/' },
  help: { type: 'boolean', short: 'h', about: 'this text' },
} as const;

function helpText(): string {
  const width = Math.max(...Object.keys(SUITES).map((name) => name.length), 12);
  const flag = (name: string) => (name === 'runs' ? '--runs N' : `--${name}`);
  return [
    'Usage: npm run bench -- [suite ...] [options]',
    '',
    'Suites (all of them, in this order, when none is named):',
    ...Object.entries(SUITES).map(([name, suite]) => `  ${name.padEnd(width)}  ${suite.about}`),
    '',
    'Options:',
    ...Object.entries(OPTIONS).map(([name, option]) => `  ${flag(name).padEnd(width)}  ${option.about}`),
    '',
    'Method and figures: bench/README.md.',
    '',
  ].join('\n');
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\n\n${helpText()}`);
  process.exit(2);
}

function parseOptions(argv: readonly string[]) {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(helpText());
    process.exit(0);
  }
  for (const name of positionals) if (!Object.hasOwn(SUITES, name)) usage(`Unknown suite ${name}.`);
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1))
    usage('--runs must be a whole number from 1');
  const quick = values.quick === true;
  return {
    suites: positionals.length > 0 ? positionals : Object.keys(SUITES),
    quick,
    runs: runs ?? (quick ? 1 : 3),
    build: values['no-build'] !== true,
    profile: values.profile === true,
  };
}

function parse(argv: readonly string[]) {
  // parseArgs reads `type` and `short` and passes over `about`, which is for --help.
  return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
}

const options = parseOptions(process.argv.slice(2));
const bench = createBench(options);
const machine = machineInfo();
const commit = commitInfo();
const loads: Record<string, number[]> = {};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const started = performance.now();
process.stdout.write(
  `leasingtaker-batch benchmarks${options.quick ? ' (--quick)' : ''}: ${options.suites.join(', ')}; ` +
    `${options.runs} run(s) per figure, median shown\n` +
    `machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}; commit ${commit}; load ${load()}\n`,
);
if (!HAS_GNU_TIME) process.stdout.write('(no /usr/bin/time: peak RSS polled from /proc, no CPU times)\n');

try {
  if (options.build) buildDist();
  for (const name of options.suites) {
    loads[name] = loadavg();
    await (SUITES[name] as Suite).run(bench);
  }
} finally {
  bench.close();
}

const totalSeconds = (performance.now() - started) / 1000;
const held = bench.figures.filter((f) => f.holds !== undefined);
process.stdout.write(
  `\n${held.filter((f) => f.holds).length} of ${held.length} targets hold; ${Math.round(totalSeconds)} s; load ${load()}\n`,
);

const written = writeResults({
  at: new Date().toISOString(),
  quick: options.quick,
  runsPerFigure: options.runs,
  machine,
  commit,
  loadAverageAtSuiteStart: loads,
  loadAverageAtEnd: loadavg(),
  totalSeconds,
  sizes: bench.sizes,
  figures: bench.figures,
});
process.stdout.write(`written: ${written.json}\n         ${written.chart}\n`);
