// Process plumbing for the benchmarks: run a command as its own process and measure it from outside (wall
// time, CPU time, peak RSS), start the simulator process, and the statistics the figures are made of.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const GNU_TIME = '/usr/bin/time';
/** `/usr/bin/time -v` when installed (apt-get install time); otherwise /proc/<pid>/status is polled. */
export const HAS_GNU_TIME = existsSync(GNU_TIME);

export interface Measured {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** When it was spawned, in ms since the epoch. */
  readonly startedAt: number;
  /** From spawn to exit, as the benchmark saw it. */
  readonly wallMs: number;
  /** User + system CPU time of the process, in ms (undefined without /usr/bin/time). */
  readonly cpuMs: number | undefined;
  /** Peak resident set size (VmHWM / ru_maxrss), in MB (1 MB = 2^20 bytes). */
  readonly peakRssMb: number;
}

export interface RunOptions {
  readonly env: Record<string, string>;
  readonly cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has signal SIGKILL. */
  readonly timeoutMs?: number;
}

/** Runs `node <args>` (this Node, the project's Node 24) as a child process and measures it. */
export function runNode(args: readonly string[], options: RunOptions): Promise<Measured> {
  return runProgram(process.execPath, args, options);
}

/**
 * Runs `program <args>` as a child process and measures it (peak RSS: the largest single process of the tree,
 * as ru_maxrss reports it).
 */
export function runProgram(program: string, args: readonly string[], options: RunOptions): Promise<Measured> {
  const scratch = mkdtempSync(join(tmpdir(), 'leasingtaker-bench-time-'));
  const timeFile = join(scratch, 'time');
  const command = HAS_GNU_TIME ? GNU_TIME : program;
  const argv = HAS_GNU_TIME ? ['-f', '%e %U %S %M', '-o', timeFile, program, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const startedAt = Date.now();
    const child = spawn(command, argv, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // Without GNU time: VmHWM is the process's own high-water mark, so the last reading before exit is
    // (nearly) its peak.
    let polledHwmKb = 0;
    const poll = HAS_GNU_TIME
      ? undefined
      : setInterval(() => {
          const kb = readHwmKb(child.pid);
          if (kb > polledHwmKb) polledHwmKb = kb;
        }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let cpuMs: number | undefined;
      let peakRssMb = polledHwmKb / 1024;
      let exitCode = code;
      if (HAS_GNU_TIME) {
        const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
        // GNU time writes "Command exited with non-zero status N" before the figures when the child fails.
        const figures = text.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
        const [, user, system, maxRssKb] = figures;
        if (user !== undefined && system !== undefined) cpuMs = (user + system) * 1000;
        if (maxRssKb !== undefined) peakRssMb = maxRssKb / 1024;
        const status = /exited with non-zero status (\d+)/.exec(text);
        if (status?.[1]) exitCode = Number(status[1]);
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ code: exitCode, signal, stdout, stderr, startedAt, wallMs, cpuMs, peakRssMb });
    });
  });
}

function readHwmKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export interface SimulatorProcess {
  /** MASKINPORTEN_* and LEASINGTAKER_API_URL pointing at it. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts bench/simulator-process.ts with the given latency; its throwaway key goes into `keyDir`. */
export async function startSimulatorProcess(latencyMs: number, keyDir: string): Promise<SimulatorProcess> {
  const script = new URL('./simulator-process.ts', import.meta.url).pathname;
  const child: ChildProcess = spawn(process.execPath, [script, String(latencyMs), keyDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpdir() },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`the simulator process exited (${code}) before it was up`)),
    );
  });
  lines.close();
  const { env } = JSON.parse(first) as { env: Record<string, string> };
  return {
    env,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The line pino wrote last whose message starts with `prefix`, parsed; undefined if there is none. */
export function logLine(stdout: string, prefix: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.msg === 'string' && parsed.msg.startsWith(prefix)) found = parsed;
    } catch {
      // Not a log line.
    }
  }
  return found;
}
