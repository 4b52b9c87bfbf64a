// A peer: what a team would write in an afternoon instead of the job. `node bench/naive-client.ts
// <bodies.jsonl>` (the simulator's MASKINPORTEN_* and LEASINGTAKER_API_URL in the environment) POSTs every
// body with a plain `await got.post(...)`, one after the other: no concurrency, no ledger, no report. With
// `--token` it only prints a token (for newman, which cannot sign a Maskinporten grant itself). Prints one
// JSON line: rows, how many came back 200, the loop's own time.

import { readFileSync } from 'node:fs';
import got from 'got';

const dist = (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;
const { apiEndpoint } = (await import(dist('api/address.js'))) as typeof import('../src/api/address.ts');
const { loadRunConfig } = (await import(dist('config.js'))) as typeof import('../src/config.ts');
const { createTokenProvider } = (await import(
  dist('maskinporten/token-provider.js')
)) as typeof import('../src/maskinporten/token-provider.ts');

const loaded = loadRunConfig(process.env, {});
if (!loaded.ok) {
  process.stderr.write(`${loaded.problems.join('\n')}\n`);
  process.exit(2);
}
const { api } = loaded.config;
const token = await createTokenProvider(api.maskinporten).getToken();
if (process.argv[2] === '--token') {
  process.stdout.write(`${token}\n`);
  process.exit(0);
}
const bodiesPath = process.argv[2];
if (!bodiesPath) {
  process.stderr.write('usage: node bench/naive-client.ts <bodies.jsonl> | --token\n');
  process.exit(2);
}
const bodies = readFileSync(bodiesPath, 'utf8').split('\n').filter(Boolean);
const url = apiEndpoint(api.apiUrl);
let ok = 0;
const started = performance.now();
for (const body of bodies) {
  const reply = await got.post(url, {
    json: JSON.parse(body),
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    throwHttpErrors: false,
  });
  if (reply.statusCode === 200) ok++;
}
process.stdout.write(`${JSON.stringify({ rows: bodies.length, ok, loopMs: performance.now() - started })}\n`);
