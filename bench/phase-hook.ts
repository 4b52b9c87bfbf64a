// Loaded into the job by the `phases` suite (`node --import bench/phase-hook.ts`, or NODE_OPTIONS through npx):
// notes when the first request to the Leasingtaker-API went out and when the last answer came in, and appends
// them as one JSON line to $LEASINGTAKER_BENCH_PHASES at exit. Token requests are not counted; a process that
// sent none (the launcher before it re-executes, npx itself) writes nothing.

import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

// From dist/, as the bare loop does: the address rule of the code that runs.
const { API_PATH } = (await import(
  new URL('../dist/api/address.js', import.meta.url).href
)) as typeof import('../src/api/address.ts');
const out = process.env.LEASINGTAKER_BENCH_PHASES;
const now = () => performance.timeOrigin + performance.now();
let firstAt: number | undefined;
let lastAt: number | undefined;
let requests = 0;

const isApi = (request: unknown) => String((request as { path?: unknown }).path ?? '').startsWith(API_PATH);
subscribe('http.client.request.start', (message) => {
  if (!isApi((message as { request: unknown }).request)) return;
  requests++;
  firstAt ??= now();
});
subscribe('http.client.response.finish', (message) => {
  if (isApi((message as { request: unknown }).request)) lastAt = now();
});
process.on('exit', () => {
  if (out && requests > 0) appendFileSync(out, `${JSON.stringify({ firstAt, lastAt, requests })}\n`);
});
