// Loaded into the job by the `phases` suite (`node --import bench/phase-hook.js`, or NODE_OPTIONS through npx):
// notes when the first request to the Leasingtaker-API went out and when the last answer came in, and appends
// them as one JSON line to $LEASINGTAKER_BENCH_PHASES at exit. Token requests are not counted; a process that
// sent none (the launcher before it re-executes, npx itself) writes nothing.
//
// Plain JavaScript, unlike the rest of bench/: a TypeScript hook made Node load its type stripper into the job,
// ~30 ms of CPU in the start the suite measures.

import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

// From dist/, as the bare loop does: the address rule of the code that runs.
const { API_PATH } = await import(new URL('../dist/api/address.js', import.meta.url).href);
const out = process.env.LEASINGTAKER_BENCH_PHASES;
const now = () => performance.timeOrigin + performance.now();
/** @type {number | undefined} */
let firstAt;
/** @type {number | undefined} */
let lastAt;
let requests = 0;

/** @param {{ request?: { path?: unknown } }} message */
const isApi = (message) => String(message.request?.path ?? '').startsWith(API_PATH);
subscribe('http.client.request.start', (message) => {
  if (!isApi(message)) return;
  requests++;
  firstAt ??= now();
});
subscribe('http.client.response.finish', (message) => {
  if (isApi(message)) lastAt = now();
});
process.on('exit', () => {
  if (out && requests > 0) appendFileSync(out, `${JSON.stringify({ firstAt, lastAt, requests })}\n`);
});
