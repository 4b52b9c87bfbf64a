// The peers suite: the job against what a team would use instead, at the API's likely reply times. Postman's
// newman with CSV iteration data (bench/newman.ts) and a naive sequential `await got.post` loop
// (bench/naive-client.ts) against the job at concurrency 16, each a whole process from start to exit.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiEndpoint } from '../src/api/address.ts';
import { bodiesFile, fleetFile } from './generate.ts';
import { type Measured, median, runNode, runProgram, startSimulatorProcess } from './measure.ts';
import { NEWMAN_VERSION, newmanFiles } from './newman.ts';

const NAIVE = fileURLToPath(new URL('./naive-client.ts', import.meta.url));

export interface PeerFigure {
  readonly suite: 'peers';
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly holds?: boolean;
  readonly runs: readonly number[];
  readonly detail?: Record<string, unknown>;
}

export interface PeerContext {
  readonly runs: number;
  readonly quick: boolean;
  readonly inputs: string;
  freshDir(name: string): string;
  baseEnv(): Record<string, string>;
  runJob(
    file: string,
    latencyMs: number,
    concurrency: number,
    tag: string,
  ): Promise<{ rows: number; rate: number }>;
  note(figure: PeerFigure): void;
  checkExit(what: string, measured: Measured): void;
}

/** Sequential peers do a fixed number of rows a second whatever the file's size; fewer rows keep runs short. */
const peerRows = (quick: boolean, latencyMs: number): number => (quick ? 50 : latencyMs >= 200 ? 200 : 500);

async function peerRun(
  ctx: PeerContext,
  peer: 'naive' | 'newman',
  rows: number,
  latencyMs: number,
  tag: string,
): Promise<number> {
  const dir = ctx.freshDir(`${peer}-${tag}`);
  const bodies = await bodiesFile(ctx.inputs, rows);
  const sim = await startSimulatorProcess(latencyMs, join(dir, 'keys'));
  try {
    const env = { ...ctx.baseEnv(), ...sim.env };
    let measured: Measured;
    if (peer === 'naive') {
      measured = await runNode([NAIVE, bodies], { cwd: dir, env });
      ctx.checkExit(`naive loop (${tag})`, measured);
      const result = JSON.parse(measured.stdout.trim().split('\n').at(-1) ?? '{}') as { ok: number };
      if (result.ok !== rows) throw new Error(`naive loop (${tag}): ${result.ok} of ${rows} came back 200`);
    } else {
      const token = execFileSync(process.execPath, [NAIVE, '--token'], { env, encoding: 'utf8' }).trim();
      const url = apiEndpoint(sim.env.LEASINGTAKER_API_URL ?? '');
      const lines = readFileSync(bodies, 'utf8').split('\n').filter(Boolean);
      const files = newmanFiles(dir, lines, url);
      // Exit 0 only when every iteration's test (status 200) passed.
      measured = await runProgram(
        'npx',
        [
          '--yes',
          '--prefer-offline',
          `newman@${NEWMAN_VERSION}`,
          'run',
          files.collection,
          '-d',
          files.data,
          '--env-var',
          `token=${token}`,
          '--silent',
        ],
        { cwd: dir, env },
      );
      ctx.checkExit(`newman (${tag})`, measured);
    }
    return rows / (measured.wallMs / 1000);
  } finally {
    await sim.stop();
  }
}

export async function peersSuite(ctx: PeerContext): Promise<void> {
  const jobRows = ctx.quick ? 1_000 : 4_000;
  // Fetched (or found in npm's cache) once, untimed; the timed runs then start it as a user would.
  execFileSync('npx', ['--yes', `newman@${NEWMAN_VERSION}`, '--version'], { stdio: 'ignore' });
  for (const latency of [40, 200]) {
    const rows = peerRows(ctx.quick, latency);
    process.stdout.write(
      `\nPeers at ${latency} ms: the job (${jobRows} rows, C16) against newman ${NEWMAN_VERSION} and a sequential got loop (${rows} rows each; whole processes)\n`,
    );
    const file = await fleetFile(ctx.inputs, 'csv', jobRows);
    const job: number[] = [];
    const naive: number[] = [];
    const newman: number[] = [];
    for (let run = 0; run < ctx.runs; run++) {
      const tag = `${latency}ms-${run}`;
      job.push((await ctx.runJob(file, latency, 16, `peers-${tag}`)).rate);
      newman.push(await peerRun(ctx, 'newman', rows, latency, tag));
      naive.push(await peerRun(ctx, 'naive', rows, latency, tag));
    }
    const ratios = job.map((rate, i) => rate / (newman[i] as number));
    const bound = 16 / (latency / 1000);
    ctx.note({
      suite: 'peers',
      name: `job rows/s (${latency} ms, C16)`,
      value: median(job),
      unit: 'rows/s',
      runs: job,
      detail: { latency, bound, peer: 'job' },
    });
    ctx.note({
      suite: 'peers',
      name: `newman rows/s (${latency} ms)`,
      value: median(newman),
      unit: 'rows/s',
      runs: newman,
      detail: { latency, peer: 'newman' },
    });
    ctx.note({
      suite: 'peers',
      name: `naive await got.post loop rows/s (${latency} ms)`,
      value: median(naive),
      unit: 'rows/s',
      runs: naive,
      detail: { latency, peer: 'naive' },
    });
    ctx.note({
      suite: 'peers',
      name: `job / newman (${latency} ms)`,
      value: median(ratios),
      unit: '×',
      target: '>= 15',
      holds: median(ratios) >= 15,
      runs: ratios,
    });
  }
}
