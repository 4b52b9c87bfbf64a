// `npm run bench [-- [throughput] [bare] [memory] [startup] [peers] [--quick] [--runs N] [--no-build] [--profile]]`
//
// Builds dist/ (what users run), then measures the job as users run it: `node --max-old-space-size=160
// --max-semi-space-size=16 bin/leasingtaker.js run` as a child process, against the embedded simulator in a
// process of its own on loopback, with generated fleet files. See bench/README.md for the method and how to
// read the figures. Results: a table on stdout and bench/results/<time>.json (+ latest.json).

import { execFileSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeChart } from './chart.ts';
import { bodiesFile, fleetFile, libreOfficeFile, sofficePath } from './generate.ts';
import {
  HAS_GNU_TIME,
  logLine,
  type Measured,
  median,
  runNode,
  runProgram,
  startSimulatorProcess,
} from './measure.ts';
import { peersSuite } from './peers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'leasingtaker.js');
const BARE = join(ROOT, 'bench', 'bare-client.ts');
/** The launcher's shebang flags: passed explicitly because the benchmark starts Node itself. */
const HEAP_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=16'];
/** The container's ENV (Dockerfile) beside its flags; the other start paths get it from the launcher. */
const CONTAINER_ENV = { MALLOC_ARENA_MAX: '2' };
const SUITES = ['throughput', 'bare', 'memory', 'startup', 'peers'] as const;
type Suite = (typeof SUITES)[number];

// ---- options ----

interface Options {
  readonly suites: readonly Suite[];
  readonly quick: boolean;
  readonly runs: number;
  readonly build: boolean;
  readonly profile: boolean;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: npm run bench -- [${SUITES.join('] [')}] [--quick] [--runs N] [--no-build] [--profile]\n`,
  );
  process.exit(2);
}

function parseOptions(argv: readonly string[]): Options {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(argv);
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const suites: Suite[] = [];
  for (const name of positionals) {
    if (!(SUITES as readonly string[]).includes(name)) usage(`Unknown suite ${name}.`);
    suites.push(name as Suite);
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1))
    usage('--runs must be a whole number from 1');
  const quick = values.quick === true;
  return {
    suites: suites.length > 0 ? suites : SUITES,
    quick,
    runs: runs ?? (quick ? 1 : 3),
    build: values['no-build'] !== true,
    profile: values.profile === true,
  };
}

function parseBenchArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      'no-build': { type: 'boolean' },
      profile: { type: 'boolean' },
    },
  });
}

const options = parseOptions(process.argv.slice(2));

/** Sizes of the full benchmark (the issue's) and of --quick (a smoke test of the benchmark itself). */
const SIZES = options.quick
  ? {
      throughput: 1_000,
      bare: 4_000,
      xlsxSmall: 5_000,
      xlsxLarge: 50_000,
      csvLarge: 100_000,
      help: 5,
      empty: 3,
    }
  : {
      throughput: 5_000,
      bare: 20_000,
      xlsxSmall: 20_000,
      xlsxLarge: 200_000,
      csvLarge: 1_000_000,
      help: 10,
      empty: 5,
    };

// ---- shared ----

const work = mkdtempSync(join(tmpdir(), 'leasingtaker-bench-'));
/** Generated inputs are kept between benchmarks (same rows every time; the name carries the generator version). */
const inputs = join(tmpdir(), 'leasingtaker-bench-inputs');
let nextDir = 0;
const freshDir = (name: string): string => {
  const dir = join(work, `${++nextDir}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

const baseEnv = (): Record<string, string> => ({
  // This Node first, so that the launcher's shebang (`env node`) finds the project's Node 24 too.
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
  HOME: process.env.HOME ?? '',
  TMPDIR: tmpdir(),
  LANG: 'C.UTF-8',
});

const profileFlags = (name: string): string[] =>
  options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results', 'profiles', name)}`] : [];

function checkExit(what: string, measured: Measured, expected = 0): void {
  if (measured.code !== expected) {
    throw new Error(
      `${what} exited with ${measured.code ?? measured.signal} (expected ${expected}).\n` +
        `stderr: ${measured.stderr.slice(-2000)}\nstdout: ${measured.stdout.slice(-2000)}`,
    );
  }
}

interface JobResult {
  readonly rows: number;
  readonly ok: number;
  readonly wallMs: number;
  /** The run's own `durationMs` (after start-up: lock, ledger, inbox, token, files, reports). */
  readonly runMs: number | undefined;
  readonly cpuMs: number | undefined;
  readonly peakRssMb: number;
  readonly rate: number;
}

/**
 * How the job is started: `flags`, node with the launcher's heap flags (the container's command); `node`, plain
 * `node bin/leasingtaker.js` (a cron line, a process manager: the launcher adds its flags itself); `program`,
 * the launcher run as a program through its shebang (what npx and a global install run).
 */
export type StartPath = 'flags' | 'node' | 'program';
const START_PATHS: readonly StartPath[] = ['flags', 'node', 'program'];

/** `nodeFlags` (profiling) reach Node on the command line, or through NODE_OPTIONS for `program`. */
function startJob(
  start: StartPath,
  nodeFlags: readonly string[],
  args: readonly string[],
  options: Parameters<typeof runNode>[1],
): Promise<Measured> {
  if (start === 'program') {
    const env = nodeFlags.length > 0 ? { ...options.env, NODE_OPTIONS: nodeFlags.join(' ') } : options.env;
    return runProgram(CLI, args, { ...options, env });
  }
  if (start === 'flags') {
    return runNode([...HEAP_FLAGS, ...nodeFlags, CLI, ...args], {
      ...options,
      env: { ...options.env, ...CONTAINER_ENV },
    });
  }
  return runNode([...nodeFlags, CLI, ...args], options);
}

/** One `leasingtaker run` of `file` at the given latency and concurrency, in a fresh installation. */
async function runJob(
  file: string,
  latencyMs: number,
  concurrency: number,
  tag: string,
  start: StartPath = 'flags',
): Promise<JobResult> {
  const dir = freshDir(`run-${tag}`);
  const sim = await startSimulatorProcess(latencyMs, join(dir, 'keys'));
  try {
    const folders = {
      LEASINGTAKER_INBOX: join(dir, 'inbox'),
      LEASINGTAKER_REPORTS: join(dir, 'reports'),
      LEASINGTAKER_STATE: join(dir, 'state'),
      LEASINGTAKER_ARCHIVE: join(dir, 'archive'),
    };
    mkdirSync(folders.LEASINGTAKER_INBOX, { recursive: true });
    const target = join(folders.LEASINGTAKER_INBOX, basename(file));
    // A hard link costs nothing and the job moves it into the archive; the kept original stays.
    try {
      linkSync(file, target);
    } catch {
      copyFileSync(file, target);
    }
    const measured = await startJob(start, profileFlags(`job-${tag}`), ['run'], {
      cwd: dir,
      env: {
        ...baseEnv(),
        ...sim.env,
        ...folders,
        LEASINGTAKER_CONCURRENCY: String(concurrency),
        // The settle wait (a file must keep its size this long) is a deliberate pause, not the job's work.
        LEASINGTAKER_SETTLE_MS: '0',
        LOG_LEVEL: 'info',
      },
    });
    checkExit(`run (${tag})`, measured);
    const finished = logLine(measured.stdout, 'Run finished');
    const ok = Number(finished?.ok ?? Number.NaN);
    const rows = Number(finished?.rows ?? Number.NaN);
    if (!(ok === rows && rows > 0)) {
      throw new Error(`run (${tag}): expected every row ok, got ${JSON.stringify(finished)}`);
    }
    const runMs = typeof finished?.durationMs === 'number' ? finished.durationMs : undefined;
    return {
      rows,
      ok,
      wallMs: measured.wallMs,
      runMs,
      cpuMs: measured.cpuMs,
      peakRssMb: measured.peakRssMb,
      rate: rows / (measured.wallMs / 1000),
    };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare loop over the same bodies, against a fresh simulator. */
async function runBare(
  rows: number,
  latencyMs: number,
  concurrency: number,
  tag: string,
): Promise<JobResult> {
  const dir = freshDir(`bare-${tag}`);
  const bodies = await bodiesFile(inputs, rows);
  const sim = await startSimulatorProcess(latencyMs, join(dir, 'keys'));
  try {
    const measured = await runNode(
      [...HEAP_FLAGS, ...profileFlags(`bare-${tag}`), BARE, bodies, String(concurrency)],
      {
        cwd: dir,
        env: { ...baseEnv(), ...sim.env, ...CONTAINER_ENV },
      },
    );
    checkExit(`bare loop (${tag})`, measured);
    const result = JSON.parse(measured.stdout.trim().split('\n').at(-1) ?? '{}') as {
      rows: number;
      ok: number;
      loopMs: number;
    };
    if (result.ok !== rows) throw new Error(`bare loop (${tag}): ${result.ok} of ${rows} came back 200`);
    return {
      rows,
      ok: result.ok,
      wallMs: measured.wallMs,
      runMs: result.loopMs,
      cpuMs: measured.cpuMs,
      peakRssMb: measured.peakRssMb,
      rate: rows / (measured.wallMs / 1000),
    };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- figures ----

interface Figure {
  readonly suite: Suite;
  readonly name: string;
  /** Median, in `unit`. */
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly holds?: boolean;
  /** Every run's value, for the spread. */
  readonly runs: readonly number[];
  readonly detail?: Record<string, unknown>;
}

const figures: Figure[] = [];
const loads: Record<string, number[]> = {};

function note(figure: Figure): void {
  figures.push(figure);
  const spread = figure.runs.length > 1 ? `  [${figure.runs.map((v) => round(v)).join(', ')}]` : '';
  const verdict = figure.holds === undefined ? '' : figure.holds ? '  ✓' : '  ✗';
  process.stdout.write(
    `  ${figure.name.padEnd(60)} ${String(round(figure.value)).padStart(9)} ${figure.unit.padEnd(8)}${
      figure.target ? ` target ${figure.target}` : ''
    }${verdict}${spread}\n`,
  );
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  if (Math.abs(value) >= 10) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}

const perRowUs = (result: JobResult): number =>
  result.cpuMs === undefined ? Number.NaN : (result.cpuMs * 1000) / result.rows;

async function throughputSuite(): Promise<void> {
  const rows = SIZES.throughput;
  const latency = 40;
  const concurrency = 16;
  const bound = concurrency / (latency / 1000);
  process.stdout.write(
    `\nThroughput vs the bound: ${rows} rows, latency ${latency} ms, C${concurrency} (bound ${bound} rows/s)\n`,
  );
  const file = await fleetFile(inputs, 'csv', rows);
  const jobs: JobResult[] = [];
  const bares: JobResult[] = [];
  for (let run = 0; run < options.runs; run++) {
    jobs.push(await runJob(file, latency, concurrency, `throughput-${run}`));
    bares.push(await runBare(rows, latency, concurrency, `throughput-${run}`));
  }
  const share = (results: JobResult[]) => results.map((r) => r.rate / bound);
  note({
    suite: 'throughput',
    name: `job: share of the bound (${latency} ms, C${concurrency})`,
    value: median(share(jobs)),
    unit: '',
    target: '>= 0.90',
    holds: median(share(jobs)) >= 0.9,
    runs: share(jobs),
    detail: { rows, bound, rates: jobs.map((r) => r.rate), runMs: jobs.map((r) => r.runMs) },
  });
  note({
    suite: 'throughput',
    name: 'job: rows/s (whole process)',
    value: median(jobs.map((r) => r.rate)),
    unit: 'rows/s',
    runs: jobs.map((r) => r.rate),
  });
  note({
    suite: 'throughput',
    name: 'bare loop: share of the bound (for reference)',
    value: median(share(bares)),
    unit: '',
    runs: share(bares),
    detail: { rates: bares.map((r) => r.rate) },
  });
  note({
    suite: 'throughput',
    name: 'bare loop: rows/s (whole process)',
    value: median(bares.map((r) => r.rate)),
    unit: 'rows/s',
    runs: bares.map((r) => r.rate),
  });
  // Pair by pair: each job run against the bare loop run right after it, so a change of load moves both.
  const ratios = jobs.map((job, i) => job.rate / (bares[i] as JobResult).rate);
  note({
    suite: 'throughput',
    name: `job / bare loop, whole run (${latency} ms, C${concurrency})`,
    value: median(ratios),
    unit: '',
    target: '>= 0.95',
    holds: median(ratios) >= 0.95,
    runs: ratios,
  });
}

async function bareSuite(): Promise<void> {
  const rows = SIZES.bare;
  const file = await fleetFile(inputs, 'csv', rows);
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
    for (let run = 0; run < options.runs; run++) {
      const tag = `${latency}ms-c${concurrency}-${run}`;
      // Alternating which goes first spreads a change of load over both.
      if (run % 2 === 0) {
        bares.push(await runBare(rows, latency, concurrency, tag));
        jobs.push(await runJob(file, latency, concurrency, tag));
      } else {
        jobs.push(await runJob(file, latency, concurrency, tag));
        bares.push(await runBare(rows, latency, concurrency, tag));
      }
    }
    const ratios = jobs.map((job, i) => job.rate / (bares[i] as JobResult).rate);
    const label = `${latency} ms, C${concurrency}`;
    note({
      suite: 'bare',
      name: `job / bare loop (${label})`,
      value: median(ratios),
      unit: '',
      target: `>= ${target}`,
      holds: median(ratios) >= target,
      runs: ratios,
    });
    note({
      suite: 'bare',
      name: `bare loop rows/s (${label})`,
      value: median(bares.map((r) => r.rate)),
      unit: 'rows/s',
      runs: bares.map((r) => r.rate),
      ...(Number.isFinite(bound)
        ? { detail: { shareOfBound: median(bares.map((r) => r.rate)) / bound } }
        : {}),
    });
    note({
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
      note({
        suite: 'bare',
        name: `bare loop CPU per row (${label})`,
        value: median(bares.map(perRowUs)),
        unit: 'µs',
        runs: bares.map(perRowUs),
      });
      note({
        suite: 'bare',
        name: `job CPU per row (${label})`,
        value: median(jobs.map(perRowUs)),
        unit: 'µs',
        runs: jobs.map(perRowUs),
      });
    }
  }
}

async function validatePeak(file: string, tag: string, start: StartPath): Promise<Measured> {
  const dir = freshDir(`validate-${tag}`);
  try {
    const measured = await startJob(start, profileFlags(`validate-${tag}`), ['validate', file], {
      cwd: dir,
      env: { ...baseEnv(), TMPDIR: dir },
    });
    checkExit(`validate (${tag})`, measured);
    return measured;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface MemoryCase {
  readonly label: string;
  readonly rows: number;
  readonly limit: number;
  file(): Promise<string>;
}

async function memorySuite(): Promise<void> {
  process.stdout.write(
    '\nMemory: peak RSS of validate and of run (latency 0, C16), started as `node bin/leasingtaker.js`\n',
  );
  const soffice = sofficePath();
  const xlsx = (rows: number): MemoryCase => ({
    label: `${rows.toLocaleString('en')}-row xlsx (exceljs)`,
    rows,
    limit: 200,
    file: () => fleetFile(inputs, 'xlsx', rows),
  });
  const libre = (rows: number, path: string): MemoryCase => ({
    label: `${rows.toLocaleString('en')}-row xlsx (LibreOffice)`,
    rows,
    limit: 200,
    file: () => libreOfficeFile(inputs, rows, path),
  });
  const cases: MemoryCase[] = [xlsx(SIZES.xlsxSmall), xlsx(SIZES.xlsxLarge)];
  if (soffice) cases.push(libre(SIZES.xlsxSmall, soffice), libre(SIZES.xlsxLarge, soffice));
  else process.stdout.write('  (no LibreOffice (soffice) here: its workbooks are left out)\n');
  cases.push({
    label: `${SIZES.csvLarge.toLocaleString('en')}-row CSV`,
    rows: SIZES.csvLarge,
    limit: 150,
    file: () => fleetFile(inputs, 'csv', SIZES.csvLarge),
  });
  const peaks: Record<string, number> = {};
  const measure = async (command: 'validate' | 'run', c: MemoryCase, start: StartPath) => {
    const file = await c.file();
    const values: number[] = [];
    const walls: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const tag = `${command}-${basename(file)}-${start}-${run}`;
      if (command === 'validate') {
        const measured = await validatePeak(file, tag, start);
        values.push(measured.peakRssMb);
        walls.push(measured.wallMs);
      } else {
        const result = await runJob(file, 0, 16, `memory-${tag}`, start);
        values.push(result.peakRssMb);
        walls.push(result.wallMs);
      }
    }
    const peak = median(values);
    const via = start === 'node' ? '' : ` [${start}]`;
    note({
      suite: 'memory',
      name: `${command} ${c.label}${via}: peak RSS`,
      value: peak,
      unit: 'MB',
      target: `< ${c.limit}`,
      holds: peak < c.limit,
      runs: values,
      detail: {
        command,
        input: c.label,
        start,
        wallMs: walls,
        rowsPerSecond: walls.map((ms) => c.rows / (ms / 1000)),
      },
    });
    return peak;
  };
  for (const command of ['validate', 'run'] as const) {
    for (const c of cases) peaks[`${command} ${c.label}`] = await measure(command, c, 'node');
    for (const kind of ['exceljs', 'LibreOffice']) {
      const small = peaks[`${command} ${SIZES.xlsxSmall.toLocaleString('en')}-row xlsx (${kind})`];
      const large = peaks[`${command} ${SIZES.xlsxLarge.toLocaleString('en')}-row xlsx (${kind})`];
      if (small === undefined || large === undefined) continue;
      note({
        suite: 'memory',
        name: `${command}: peak(${SIZES.xlsxLarge / 1000}k) / peak(${SIZES.xlsxSmall / 1000}k), ${kind}`,
        value: large / small,
        unit: '',
        target: '< 1.3',
        holds: large / small < 1.3,
        runs: [large / small],
      });
    }
    // The largest workbook by the other start paths: the bound must not depend on how the job is started.
    const largest = cases.filter((c) => c.limit === 200).at(-1);
    if (largest) {
      for (const start of START_PATHS.filter((p) => p !== 'node')) await measure(command, largest, start);
    }
  }
}

async function startupSuite(): Promise<void> {
  process.stdout.write('\nStart-up\n');
  const help: number[] = [];
  for (let run = 0; run < SIZES.help; run++) {
    const measured = await runNode([...HEAP_FLAGS, CLI, '--help'], { env: baseEnv() });
    checkExit('--help', measured);
    help.push(measured.wallMs);
  }
  note({
    suite: 'startup',
    name: 'leasingtaker --help: wall',
    value: median(help),
    unit: 'ms',
    target: '< 100',
    holds: median(help) < 100,
    runs: help,
  });
  const dir = freshDir('empty');
  const sim = await startSimulatorProcess(0, join(dir, 'keys'));
  const empty: number[] = [];
  try {
    for (let run = 0; run < SIZES.empty; run++) {
      const measured = await runNode([...HEAP_FLAGS, ...profileFlags('empty'), CLI, 'run'], {
        cwd: dir,
        env: {
          ...baseEnv(),
          ...sim.env,
          LEASINGTAKER_INBOX: join(dir, 'inbox'),
          LEASINGTAKER_REPORTS: join(dir, 'reports'),
          LEASINGTAKER_STATE: join(dir, 'state'),
          LEASINGTAKER_ARCHIVE: join(dir, 'archive'),
        },
      });
      checkExit('empty run', measured);
      empty.push(measured.wallMs);
    }
  } finally {
    await sim.stop();
  }
  note({
    suite: 'startup',
    name: 'leasingtaker run, empty inbox: wall',
    value: median(empty),
    unit: 'ms',
    target: '< 500',
    holds: median(empty) < 500,
    runs: empty,
  });
}

// ---- main ----

const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  peakRssFrom: HAS_GNU_TIME ? '/usr/bin/time (ru_maxrss)' : '/proc/<pid>/status VmHWM, polled every 20 ms',
};
const git = (() => {
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
})();

const peerContext = {
  runs: options.runs,
  quick: options.quick,
  inputs,
  freshDir,
  baseEnv,
  runJob: (file: string, latencyMs: number, concurrency: number, tag: string) =>
    runJob(file, latencyMs, concurrency, tag),
  note,
  checkExit,
};

const started = performance.now();
process.stdout.write(
  `leasingtaker-batch benchmarks${options.quick ? ' (--quick)' : ''}: ${options.suites.join(', ')}; ` +
    `${options.runs} run(s) per figure, median shown\n` +
    `machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}; commit ${git}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
);
if (!HAS_GNU_TIME) process.stdout.write('(no /usr/bin/time: peak RSS polled from /proc, no CPU times)\n');

try {
  if (options.build) {
    process.stdout.write('building dist/ (tsc -p tsconfig.build.json) ...\n');
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  }
  for (const suite of options.suites) {
    loads[suite] = loadavg();
    if (suite === 'throughput') await throughputSuite();
    if (suite === 'bare') await bareSuite();
    if (suite === 'memory') await memorySuite();
    if (suite === 'startup') await startupSuite();
    if (suite === 'peers') await peersSuite(peerContext);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const totalSeconds = (performance.now() - started) / 1000;
const held = figures.filter((f) => f.holds !== undefined);
process.stdout.write(
  `\n${held.filter((f) => f.holds).length} of ${held.length} targets hold; ${Math.round(totalSeconds)} s; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);

const results = join(ROOT, 'bench', 'results');
mkdirSync(results, { recursive: true });
const at = new Date().toISOString();
const report = {
  at,
  quick: options.quick,
  runsPerFigure: options.runs,
  machine,
  commit: git,
  loadAverageAtSuiteStart: loads,
  loadAverageAtEnd: loadavg(),
  totalSeconds,
  sizes: SIZES,
  figures,
};
const json = `${JSON.stringify(report, null, 2)}\n`;
const path = join(
  results,
  `${at.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}${options.quick ? '-quick' : ''}.json`,
);
writeFileSync(path, json);
writeFileSync(join(results, 'latest.json'), json);
const chart = writeChart(path.replace(/\.json$/, '.svg'), report);
writeChart(join(results, 'latest.svg'), report);
process.stdout.write(`written: ${path}\n         ${chart}\n`);
