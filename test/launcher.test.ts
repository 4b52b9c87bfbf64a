// The launcher's heap bounds hold however the job is started (issue 17.1): as a program (the shebang passes
// them), as `node bin/leasingtaker.js` (it re-executes itself with them), and with the operator's own flags.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAP_FLAGS, missingHeapFlags } from '../bin/heap-flags.js';

const LAUNCHER = fileURLToPath(new URL('../bin/leasingtaker.js', import.meta.url));
const MiB = 1024 * 1024;

interface Probe {
  readonly pid: number;
  /** How many process images loaded the probe: 2 when the launcher re-executed itself. */
  readonly starts: number;
  readonly limitMiB: number;
  readonly execArgv: readonly string[];
  /** MALLOC_ARENA_MAX as the process saw it at exit. */
  readonly arenaMax: string | undefined;
  readonly code: number | null;
  readonly childPid: number | undefined;
}

let dir: string;
let probe: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leasingtaker-launcher-'));
  probe = join(dir, 'probe.mjs');
  // Loaded through NODE_OPTIONS by every image of the process: says it started, and at exit what V8 was given.
  writeFileSync(
    probe,
    [
      "import v8 from 'node:v8';",
      "process.stderr.write('PROBE-START ' + process.pid + '\\n');",
      "process.on('exit', () => process.stderr.write('PROBE-EXIT ' + JSON.stringify({ pid: process.pid, limit: v8.getHeapStatistics().heap_size_limit, execArgv: process.execArgv, arenaMax: process.env.MALLOC_ARENA_MAX }) + '\\n'));",
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `nodeArgs` null: the launcher run as a program, through its shebang (npx, a global install). */
function start(
  nodeArgs: readonly string[] | null,
  nodeOptions = '',
  env: Record<string, string> = {},
): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const [command, args] =
      nodeArgs === null
        ? [LAUNCHER, ['--version']]
        : [process.execPath, [...nodeArgs, LAUNCHER, '--version']];
    const child = spawn(command, args, {
      env: {
        // This Node first, so that the shebang's `env node` finds Node 24.
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        NODE_OPTIONS: `--import=${probe} ${nodeOptions}`.trim(),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = stderr.split('\n').find((line) => line.startsWith('PROBE-EXIT '));
      if (!exit) return reject(new Error(`no probe line; stderr: ${stderr}`));
      const seen = JSON.parse(exit.slice('PROBE-EXIT '.length)) as {
        pid: number;
        limit: number;
        execArgv: string[];
        arenaMax?: string;
      };
      resolve({
        pid: seen.pid,
        starts: stderr.split('\n').filter((line) => line.startsWith('PROBE-START ')).length,
        limitMiB: seen.limit / MiB,
        execArgv: seen.execArgv,
        arenaMax: seen.arenaMax,
        code,
        childPid: child.pid,
      });
    });
  });
}

describe('launcher heap bounds', () => {
  it('applies its flags when started as `node bin/leasingtaker.js`, in the same process', async () => {
    const seen = await start([]);
    expect(seen.code).toBe(0);
    expect(seen.starts).toBe(2);
    // Same process id: a supervisor's signals and a SIGKILL reach the process doing the work.
    expect(seen.pid).toBe(seen.childPid);
    expect(seen.execArgv).toEqual(expect.arrayContaining([...HEAP_FLAGS]));
    // 160 MB old space + young generation; V8's default on this machine is several GB.
    expect(seen.limitMiB).toBeGreaterThan(160);
    expect(seen.limitMiB).toBeLessThan(260);
  });

  it('does not start again when the flags are given (the shebang, the container)', async () => {
    const seen = await start(HEAP_FLAGS);
    expect(seen.code).toBe(0);
    expect(seen.starts).toBe(1);
    expect(seen.limitMiB).toBeLessThan(260);
  });

  it("keeps the operator's own heap size and adds only what is missing", async () => {
    const seen = await start([], '--max-old-space-size=400');
    expect(seen.code).toBe(0);
    expect(seen.starts).toBe(2);
    expect(seen.limitMiB).toBeGreaterThan(400);
    expect(seen.execArgv).toEqual(['--max-semi-space-size=8']);
  });

  // glibc gives each thread that allocates an arena of its own (up to 8 a core); zlib, SQLite and the
  // thread pool's work leave several partly used ones: 2 took run's peak down ~15 MB (ARCHITECTURE, "Memory").
  it.each([
    ['node bin/leasingtaker.js', []],
    ['the shebang', null],
  ] as const)('limits malloc to two arenas when started as %s', async (_how, nodeArgs) => {
    const seen = await start(nodeArgs);
    expect(seen.code).toBe(0);
    expect(seen.arenaMax).toBe('2');
  });

  it("keeps the operator's own MALLOC_ARENA_MAX", async () => {
    const seen = await start([], '', { MALLOC_ARENA_MAX: '4' });
    expect(seen.code).toBe(0);
    expect(seen.arenaMax).toBe('4');
  });

  it.each([
    [[], '', HEAP_FLAGS],
    [['--max-old-space-size=100'], '', ['--max-semi-space-size=8']],
    [['--max_old_space_size=100'], '--max-semi-space-size=4', []],
    [[], '--import=x.mjs  --max-semi-space-size=1', ['--max-old-space-size=160']],
    [['--inspect'], '', HEAP_FLAGS],
  ])('missingHeapFlags(%j, %j) = %j', (execArgv, nodeOptions, missing) => {
    expect(missingHeapFlags(execArgv, nodeOptions)).toEqual(missing);
  });
});
