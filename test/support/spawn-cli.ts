import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly onSpawn?: (pid: number) => void;
  /** Run the process as this user and group (root only): see test/support/places.ts. */
  readonly uid?: number;
  readonly gid?: number;
}

/** A CLI process started by `startCli`: kill it through `child`, and await `result` for its output. */
export interface RunningCli {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly pid: number;
  /** Resolves when the process has exited and its output is closed. */
  readonly result: Promise<CliResult>;
  /** Whether the process is still running. */
  running(): boolean;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
}

/** Spawns `leasingtaker ARGS` as staff would run it, with the same heap bounds as the launcher. */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): RunningCli {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=160', '--max-semi-space-size=8', CLI, ...args],
    {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TMPDIR: process.env.TMPDIR ?? '/tmp',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    },
  );
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('exit', () => {
    exited = true;
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    pid: child.pid ?? -1,
    result,
    running: () => !exited && child.exitCode === null && child.signalCode === null,
    output: () => ({ stdout, stderr }),
  };
}

/** Runs `leasingtaker ARGS` to the end. */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): Promise<CliResult> {
  return startCli(args, env, options).result;
}
