// The one HTTP server behind both simulated services: routing, body reading, fault injection and the call log.
// Nothing is logged per request: the simulator also runs under benchmarks at thousands of requests a second.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiEndpoint, problem } from './api-endpoint.ts';
import { ClientRegistry } from './clients.ts';
import { API_PATH, DEFAULT_SCOPE, TOKEN_PATH } from './constants.ts';
import { createRng, DEFAULT_SEED, drawFault, faultSettings } from './faults.ts';
import { PlateRegister } from './register.ts';
import { type EndpointReply, JWT_BEARER_GRANT, TokenEndpoint } from './token-endpoint.ts';
import { TokenStore } from './token-store.ts';
import type { CallRecord, FaultSettings, Simulator, SimulatorOptions } from './types.ts';

/** Far above any real request (a grant with a certificate chain is a few kB), far below a memory problem. */
const MAX_BODY_BYTES = 64 * 1024;
const METADATA_PATH = '/.well-known/oauth-authorization-server';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const clients = new ClientRegistry();
  for (const client of options.clients ?? []) clients.add(client);
  const tokens = new TokenStore();
  const register = new PlateRegister();
  let faults: FaultSettings = faultSettings(options.faults);
  const seed = options.seed ?? DEFAULT_SEED;
  let random = createRng(seed);
  const recordCalls = options.recordCalls ?? true;
  const calls: CallRecord[] = [];
  let seq = 0;
  const timers = new Set<NodeJS.Timeout>();
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 120;
  const clockSkewSeconds = options.clockSkewSeconds ?? 10;
  if (!(tokenLifetimeSeconds > 0)) throw new RangeError('tokenLifetimeSeconds must be more than 0');
  if (!(clockSkewSeconds >= 0)) throw new RangeError('clockSkewSeconds must be 0 or more');

  // The issuer holds the port, known only once listening; the endpoints read it through this object.
  const tokenContext = { issuer: '', clients, tokens, now, clockSkewSeconds, tokenLifetimeSeconds };
  const tokenEndpoint = new TokenEndpoint(tokenContext);
  const apiEndpoint = new ApiEndpoint({
    tokens,
    register,
    now,
    apiScope: options.apiScope ?? DEFAULT_SCOPE,
    ...(options.apiResource !== undefined ? { apiResource: options.apiResource } : {}),
  });

  function record(
    endpoint: CallRecord['endpoint'],
    status: CallRecord['status'],
    fields: Partial<CallRecord>,
  ) {
    if (recordCalls) calls.push({ ...fields, seq: ++seq, at: now(), endpoint, status });
  }

  function reply(res: ServerResponse, endpoint: CallRecord['endpoint'], answer: EndpointReply): void {
    send(res, answer.status, answer.body, answer.headers);
    record(endpoint, answer.status, answer.record);
  }

  function later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      const body = JSON.stringify({ error: 'invalid_request', error_description: 'Use POST' });
      send(res, 405, body, { allow: 'POST' });
      record('token', 405, { error: 'invalid_request' });
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      const answer = JSON.stringify({
        error: 'invalid_request',
        error_description: 'Request body too large',
      });
      send(res, 413, answer, { connection: 'close' });
      record('token', 413, { error: 'invalid_request' });
      return;
    }
    reply(res, 'token', await tokenEndpoint.handle(req.headers['content-type'], body));
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      const answer = problem(405, 'METODE_IKKE_TILLATT', [{ felt: '', melding: 'Bruk POST' }]);
      send(res, answer.status, answer.body, { allow: 'POST' });
      record('api', answer.status, answer.record);
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      const answer = problem(413, 'FOR_STOR_FORESPORSEL', [{ felt: '', melding: 'For stor forespørsel' }]);
      send(res, answer.status, answer.body, { connection: 'close' });
      record('api', answer.status, answer.record);
      return;
    }
    // Drawn and read now, when the request has arrived, so a settings change affects the calls after it.
    const fault = drawFault(faults, random);
    const settings = faults;
    const delay = settings.latencyMs + (fault === 'slow' ? settings.slowMs : 0);
    const finish = (): void => {
      switch (fault) {
        case 'down':
        case '503': {
          const answer = problem(503, 'TJENESTEN_ER_IKKE_TILGJENGELIG', [], {});
          send(res, 503, answer.body);
          record('api', 503, { error: answer.record.error });
          return;
        }
        case '429': {
          const answer = problem(429, 'FOR_MANGE_FORESPORSLER', [], {});
          send(res, 429, answer.body, { 'retry-after': settings.retryAfterSeconds });
          record('api', 429, { error: answer.record.error });
          return;
        }
        case 'drop': {
          const applied = settings.dropAfterApply
            ? apiEndpoint.handle(req.headers.authorization, req.headers['content-type'], body).record
            : {};
          req.socket.destroy();
          record('api', 'dropped', applied);
          return;
        }
        case 'huge': {
          const answer = apiEndpoint.handle(req.headers.authorization, req.headers['content-type'], body);
          sendPadded(res, answer, settings.hugeBytes);
          record('api', answer.status, answer.record);
          return;
        }
        case '500': {
          // After applying: the change is in the register, but the client only hears of an internal error.
          const applied = settings.error500AfterApply
            ? apiEndpoint.handle(req.headers.authorization, req.headers['content-type'], body).record
            : {};
          const answer = problem(500, 'INTERN_FEIL', [], {});
          send(res, 500, answer.body);
          record('api', 500, { ...applied, error: answer.record.error });
          return;
        }
        default:
          reply(res, 'api', apiEndpoint.handle(req.headers.authorization, req.headers['content-type'], body));
      }
    };
    if (delay > 0) later(delay, finish);
    else finish();
  }

  function handleMetadata(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      send(res, 405, JSON.stringify({ error: 'invalid_request' }), { allow: 'GET' });
      return;
    }
    send(
      res,
      200,
      JSON.stringify({
        issuer: tokenContext.issuer,
        token_endpoint: `${tokenContext.issuer}token`,
        grant_types_supported: [JWT_BEARER_GRANT],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512'],
      }),
    );
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const endpoint: CallRecord['endpoint'] = path === TOKEN_PATH ? 'token' : 'api';
    let handled: Promise<void> | undefined;
    if (path === API_PATH) handled = handleApi(req, res);
    else if (path === TOKEN_PATH) handled = handleToken(req, res);
    else if (path === METADATA_PATH) handleMetadata(req, res);
    else send(res, 404, JSON.stringify({ status: 404, feilkode: 'IKKE_FUNNET', feil: [] }));
    handled?.catch((error: unknown) => {
      // A bug in the simulator must show up in the test that met it, not crash the server or spam a log.
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ status: 500, feilkode: 'INTERN_FEIL', feil: [] }));
      record(endpoint, 500, {
        error: `INTERN_FEIL: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  tokenContext.issuer = `http://127.0.0.1:${port}/`;

  return {
    port,
    issuer: tokenContext.issuer,
    apiUrl: `http://127.0.0.1:${port}`,
    calls,
    get faults(): FaultSettings {
      return faults;
    },
    set faults(value: FaultSettings) {
      faults = faultSettings(value);
    },
    issuedTokens: () => tokens.all(),
    addClient: (client) => clients.add(client),
    revokeDelegation: (clientId, consumerOrg) => clients.revokeDelegation(clientId, consumerOrg),
    reset() {
      calls.length = 0;
      seq = 0;
      register.clear();
      random = createRng(seed);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers?: Readonly<Record<string, string | number>>,
): void {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const PAD_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/**
 * `answer` padded with spaces to `size` bytes, chunked (no Content-Length, so a client can't know the size
 * before reading), written as fast as the client reads it and no faster: the simulator never holds the reply.
 */
function sendPadded(res: ServerResponse, answer: EndpointReply, size: number): void {
  res.writeHead(answer.status, { ...JSON_HEADERS, ...answer.headers });
  let left = size - Buffer.byteLength(answer.body);
  const more = (): void => {
    while (left > 0 && !res.destroyed) {
      const chunk = left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', more);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  res.write(answer.body);
  more();
}

/** The whole body as text, or undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
