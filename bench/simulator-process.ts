// The simulator in a process of its own, as the real API is: `node bench/simulator-process.ts <latencyMs> <dir>`.
// Starts the embedded simulator on 127.0.0.1 with a throwaway demo client (key written to <dir>), without a
// call log (recordCalls: false keeps its memory flat), prints one JSON line {"env": {...}, "pid": n} on stdout
// and stays up until it is killed, its stdin closes (the benchmark that started it is gone) or an hour passes.

import { startLocalSimulator } from '../src/commands/local-simulator.ts';

const latencyMs = Number(process.argv[2] ?? '0');
const dir = process.argv[3];
if (!Number.isFinite(latencyMs) || latencyMs < 0 || !dir) {
  process.stderr.write('usage: node bench/simulator-process.ts <latencyMs> <keyDir>\n');
  process.exit(2);
}

const local = await startLocalSimulator(dir, {
  recordCalls: false,
  // Tokens outlive the longest benchmark, so no run pays for a refresh the other does not.
  tokenLifetimeSeconds: 3600,
  faults: { latencyMs },
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearTimeout(deadline);
  await local.sim.close();
  process.exit(0);
};
const deadline = setTimeout(stop, 60 * 60 * 1000);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ env: local.env, pid: process.pid })}\n`);
