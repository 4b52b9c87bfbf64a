import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { API_PATH } from '../../src/api/address.ts';
import { createLeasingtakerClient, type LeasingtakerClient, type RetryInfo } from '../../src/api/client.ts';
import { organisationRequest, personRequest } from './request-fixture.ts';

// What goes over the wire, seen by a plain node:http server: the simulator would refuse a wrong body, but only
// a server of our own can show the exact bytes and the connections.

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const OK_BODY = JSON.stringify({ entity: { kjoretoy: { kjennemerke: 'CU10001' }, leasingtakerNavn: 'X' } });

let server: Server | undefined;
let client: LeasingtakerClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(
  handle: (seen: Seen, res: ServerResponse, req: IncomingMessage, index: number) => void,
): Promise<{ apiUrl: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      handle(entry, res, req, seen.length - 1);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { apiUrl: `http://127.0.0.1:${port}`, seen, connections: () => connections };
}

const ok = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(OK_BODY);
};

const tokens = { getToken: async () => 'token-1', invalidate: () => {} };

describe('LeasingtakerClient on the wire', () => {
  it('POSTs exactly the documented body with the bearer token, JSON content type and our User-Agent', async () => {
    const endpoint = await serve((_, res) => ok(res));
    client = createLeasingtakerClient({ apiUrl: endpoint.apiUrl, tokens });
    const request = { ...personRequest('OPPRETTE', 'CU10001'), extra: 'not sent' };
    await client.send(request);
    await client.send(organisationRequest('AVSLUTTE', 'CU10002', '974760673'));
    const [person, organisation] = endpoint.seen;
    expect(person?.method).toBe('POST');
    expect(person?.url).toBe(API_PATH);
    expect(person?.body).toBe(
      '{"handling":"OPPRETTE","kjennemerke":"CU10001","leasingtakerId":{"fodselsnummer":"63888700414"},"etternavn":"Firkant"}',
    );
    expect(organisation?.body).toBe(
      '{"handling":"AVSLUTTE","kjennemerke":"CU10002","leasingtakerId":{"organisasjonsnummer":"974760673"}}',
    );
    expect(person?.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^leasingtaker-batch\/\d+\.\d+\.\d+/),
    });
  });

  it('keeps one connection open for requests one after another', async () => {
    const endpoint = await serve((_, res) => ok(res));
    client = createLeasingtakerClient({ apiUrl: endpoint.apiUrl, tokens });
    for (let i = 0; i < 20; i++)
      expect((await client.send(personRequest('OPPRETTE', 'CU10001'))).kind).toBe('ok');
    expect(endpoint.connections()).toBe(1);
  });

  it('retries on a new connection when a kept-alive one is reset', async () => {
    const endpoint = await serve((_, res, req, index) => {
      if (index === 1) req.socket.destroy();
      else ok(res);
    });
    const retries: RetryInfo[] = [];
    client = createLeasingtakerClient({
      apiUrl: endpoint.apiUrl,
      tokens,
      backoff: { baseMs: 1, maxMs: 1 },
      onRetry: (info) => retries.push(info),
    });
    await client.send(personRequest('OPPRETTE', 'CU10001'));
    const result = await client.send(personRequest('OPPRETTE', 'CU10001'));
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(retries.map((info) => info.reason)).toEqual(['ECONNRESET']);
    expect(endpoint.connections()).toBe(2);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const endpoint = await serve((_, res, __, index) => {
      if (index === 0) {
        // HTTP dates have whole seconds: 2 s ahead is 1 to 2 s from now.
        res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
        res.end();
      } else ok(res);
    });
    const retries: RetryInfo[] = [];
    client = createLeasingtakerClient({
      apiUrl: endpoint.apiUrl,
      tokens,
      onRetry: (info) => retries.push(info),
    });
    const started = Date.now();
    const result = await client.send(personRequest('OPPRETTE', 'CU10001'));
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(retries[0]?.delayMs).toBeGreaterThan(900);
    expect(Date.now() - started).toBeGreaterThanOrEqual((retries[0]?.delayMs ?? 0) - 5);
  });

  it('fails a 500 without retry and a 200 that is not JSON as an unexpected reply', async () => {
    const endpoint = await serve((_, res, __, index) => {
      res.writeHead(index === 0 ? 500 : 200, { 'content-type': 'text/html' });
      res.end('<html>oops</html>');
    });
    client = createLeasingtakerClient({ apiUrl: endpoint.apiUrl, tokens });
    expect(await client.send(personRequest('OPPRETTE', 'CU10001'))).toEqual({
      kind: 'failed',
      status: 500,
      code: 'HTTP_500',
      message: 'HTTP 500',
      // The server may have done the work before it failed: the row is kept as maybe sent.
      maybeReached: true,
      attempts: 1,
    });
    expect(await client.send(personRequest('OPPRETTE', 'CU10001'))).toMatchObject({
      kind: 'failed',
      status: 200,
      code: 'UNEXPECTED_REPLY',
      maybeReached: true,
    });
    expect(endpoint.seen).toHaveLength(2);
  });
});
