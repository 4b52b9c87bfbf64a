// The bare loop: `node bench/bare-client.ts <bodies.jsonl> <concurrency>`, with the simulator's MASKINPORTEN_*
// and LEASINGTAKER_API_URL in the environment, as for `leasingtaker run`.
//
// It POSTs the job's request bodies with the job's own got instance (createApiHttp from dist/api/http.js:
// the same HTTP library, options, keep-alive agent and socket count as `run`), one token from the job's own
// token provider, and `concurrency` requests in flight, and does nothing else: no file, no validation, no
// ledger, no classification, no report. It prints one JSON line: rows sent, how many came back 200, and the
// time of the loop alone (the process's whole time is measured by the benchmark, as for the job).

import { readFileSync } from 'node:fs';

// From dist/, the code `leasingtaker run` runs; typed by the sources it is built from.
const dist = (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;
const { createApiHttp } = (await import(dist('api/http.js'))) as typeof import('../src/api/http.ts');
const { loadRunConfig } = (await import(dist('config.js'))) as typeof import('../src/config.ts');
const { createTokenProvider } = (await import(
  dist('maskinporten/token-provider.js')
)) as typeof import('../src/maskinporten/token-provider.ts');

const [bodiesPath, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
if (!bodiesPath || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('usage: node bench/bare-client.ts <bodies.jsonl> <concurrency>\n');
  process.exit(2);
}

const loaded = loadRunConfig(process.env, {});
if (!loaded.ok) {
  process.stderr.write(`${loaded.problems.join('\n')}\n`);
  process.exit(2);
}
const { api } = loaded.config;
const bodies = readFileSync(bodiesPath, 'utf8').split('\n').filter(Boolean);
// As createApiSenders sets it up for `run`.
const http = createApiHttp(api.apiUrl, { maxSockets: Math.max(concurrency, 8), timeoutMs: api.timeoutMs });
const token = await createTokenProvider(api.maskinporten).getToken();

let next = 0;
let ok = 0;
const started = performance.now();
const worker = async (): Promise<void> => {
  while (next < bodies.length) {
    const body = bodies[next++] as string;
    const reply = await http.post(body, { token });
    if (reply.statusCode === 200) ok++;
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const loopMs = performance.now() - started;
http.close();
process.stdout.write(`${JSON.stringify({ rows: bodies.length, ok, loopMs })}\n`);
