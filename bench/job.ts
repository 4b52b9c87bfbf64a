// Starting the job as users do, and the bare loop beside it: each a child process against a simulator process
// of its own, in a fresh installation, measured from outside.

import { execFileSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type Bench, ROOT } from './context.ts';
import { bodiesFile } from './generate.ts';
import { logLine, type Measured, runNode, runProgram, startSimulatorProcess } from './measure.ts';

/** The launcher, as users start it. */
export const CLI = join(ROOT, 'bin', 'leasingtaker.js');
const BARE = join(ROOT, 'bench', 'bare-client.ts');
/** The launcher's shebang flags: passed explicitly because the benchmark starts Node itself. */
export const HEAP_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=8'];
/** The container's ENV (Dockerfile) beside its flags; the other start paths get it from the launcher. */
export const CONTAINER_ENV = { MALLOC_ARENA_MAX: '2' };

/** Builds dist/ (what users run) with the project's own TypeScript. */
export function buildDist(): void {
  process.stdout.write('building dist/ (tsc -p tsconfig.build.json) ...\n');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export const baseEnv = (): Record<string, string> => ({
  // This Node first, so that the launcher's shebang (`env node`) finds the project's Node 24 too.
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
  HOME: process.env.HOME ?? '',
  TMPDIR: tmpdir(),
  LANG: 'C.UTF-8',
});

/** The installation's folders under `dir`, as the job's environment names them. */
export const folderEnv = (dir: string) => ({
  LEASINGTAKER_INBOX: join(dir, 'inbox'),
  LEASINGTAKER_REPORTS: join(dir, 'reports'),
  LEASINGTAKER_STATE: join(dir, 'state'),
  LEASINGTAKER_ARCHIVE: join(dir, 'archive'),
});

export function checkExit(what: string, measured: Measured, expected = 0): void {
  if (measured.code !== expected) {
    throw new Error(
      `${what} exited with ${measured.code ?? measured.signal} (expected ${expected}).\n` +
        `stderr: ${measured.stderr.slice(-2000)}\nstdout: ${measured.stdout.slice(-2000)}`,
    );
  }
}

export interface JobResult {
  readonly rows: number;
  readonly ok: number;
  /** When the process was spawned, in ms since the epoch. */
  readonly startedAt: number;
  readonly wallMs: number;
  /** The run's own `durationMs` (after start-up: lock, ledger, inbox, token, files, reports). */
  readonly runMs: number | undefined;
  readonly cpuMs: number | undefined;
  readonly peakRssMb: number;
  readonly rate: number;
}

const jobResult = (measured: Measured, rows: number, ok: number, runMs: number | undefined): JobResult => ({
  rows,
  ok,
  startedAt: measured.startedAt,
  wallMs: measured.wallMs,
  runMs,
  cpuMs: measured.cpuMs,
  peakRssMb: measured.peakRssMb,
  rate: rows / (measured.wallMs / 1000),
});

/** User + system CPU a row, in µs (NaN without /usr/bin/time). */
export const perRowUs = (result: JobResult): number =>
  result.cpuMs === undefined ? Number.NaN : (result.cpuMs * 1000) / result.rows;

/**
 * How the job is started: `flags`, node with the launcher's heap flags (the container's command); `node`, plain
 * `node bin/leasingtaker.js` (a cron line, a process manager: the launcher adds its flags itself); `program`,
 * the launcher run as a program through its shebang (what npx and a global install run); `npx`, `npx
 * leasingtaker` in the checkout, as the README's other commands are started.
 */
export type StartPath = 'flags' | 'node' | 'program' | 'npx';
/** The start paths the memory suite compares (npx starts the same program as `program`, through npm). */
export const START_PATHS: readonly StartPath[] = ['flags', 'node', 'program'];

/** `nodeFlags` (profiling) reach Node on the command line, or through NODE_OPTIONS for `program`. */
export function startJob(
  start: StartPath,
  nodeFlags: readonly string[],
  args: readonly string[],
  options: Parameters<typeof runNode>[1],
): Promise<Measured> {
  if (start === 'program' || start === 'npx') {
    const env = nodeFlags.length > 0 ? { ...options.env, NODE_OPTIONS: nodeFlags.join(' ') } : options.env;
    if (start === 'program') return runProgram(CLI, args, { ...options, env });
    // npx finds the program in the checkout it is started in; the folders come from the environment.
    return runProgram('npx', ['leasingtaker', ...args], { ...options, cwd: ROOT, env });
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
export async function runJob(
  bench: Bench,
  file: string,
  latencyMs: number,
  concurrency: number,
  tag: string,
  start: StartPath = 'flags',
  extra: { readonly nodeFlags?: readonly string[]; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<JobResult> {
  const dir = bench.freshDir(`run-${tag}`);
  const sim = await startSimulatorProcess(latencyMs, join(dir, 'keys'));
  try {
    const folders = folderEnv(dir);
    mkdirSync(folders.LEASINGTAKER_INBOX, { recursive: true });
    const target = join(folders.LEASINGTAKER_INBOX, basename(file));
    // A hard link costs nothing and the job moves it into the archive; the kept original stays.
    try {
      linkSync(file, target);
    } catch {
      copyFileSync(file, target);
    }
    const nodeFlags = [...bench.profileFlags(`job-${tag}`), ...(extra.nodeFlags ?? [])];
    const measured = await startJob(start, nodeFlags, ['run'], {
      cwd: dir,
      env: {
        ...baseEnv(),
        ...sim.env,
        ...folders,
        ...extra.env,
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
    return jobResult(measured, rows, ok, runMs);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare loop over the same bodies, against a fresh simulator. */
export async function runBare(
  bench: Bench,
  rows: number,
  latencyMs: number,
  concurrency: number,
  tag: string,
): Promise<JobResult> {
  const dir = bench.freshDir(`bare-${tag}`);
  const bodies = await bodiesFile(bench.inputs, rows);
  const sim = await startSimulatorProcess(latencyMs, join(dir, 'keys'));
  try {
    const measured = await runNode(
      [...HEAP_FLAGS, ...bench.profileFlags(`bare-${tag}`), BARE, bodies, String(concurrency)],
      { cwd: dir, env: { ...baseEnv(), ...sim.env, ...CONTAINER_ENV } },
    );
    checkExit(`bare loop (${tag})`, measured);
    const result = JSON.parse(measured.stdout.trim().split('\n').at(-1) ?? '{}') as {
      rows: number;
      ok: number;
      loopMs: number;
    };
    if (result.ok !== rows) throw new Error(`bare loop (${tag}): ${result.ok} of ${rows} came back 200`);
    return jobResult(measured, rows, result.ok, result.loopMs);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
