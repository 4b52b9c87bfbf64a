import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiConfigError } from '../../src/api/address.ts';
import {
  createLeasingtakerClient,
  type LeasingtakerClient,
  type LeasingtakerClientOptions,
  type RetryInfo,
} from '../../src/api/client.ts';
import { createPauseGate } from '../../src/api/pause-gate.ts';
import { MaskinportenError } from '../../src/maskinporten/errors.ts';
import { createTokenProvider } from '../../src/maskinporten/token-provider.ts';
import { personRequest, SEED_FNR } from './request-fixture.ts';
import { apiCalls, NO_FAULTS, type SimFixture, startSimFixture, tokenCalls } from './sim-fixture.ts';

let fx: SimFixture;
const clients: LeasingtakerClient[] = [];
beforeAll(async () => {
  fx = await startSimFixture();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await fx.close();
});
afterEach(() => {
  fx.sim.faults = { ...NO_FAULTS };
  fx.sim.reset();
});

function clientFor(options: Partial<LeasingtakerClientOptions> = {}): LeasingtakerClient {
  const client = createLeasingtakerClient({
    apiUrl: fx.sim.apiUrl,
    tokens: createTokenProvider(fx.settings),
    backoff: { baseMs: 10, maxMs: 50 },
    ...options,
  });
  clients.push(client);
  return client;
}

describe('LeasingtakerClient against the simulator: replies', () => {
  it('registers a lessee and reads the vehicle from the reply', async () => {
    const result = await clientFor().send(personRequest('OPPRETTE', 'CU10001'));
    expect(result).toEqual({
      kind: 'ok',
      alreadySo: false,
      attempts: 1,
      entity: {
        kuid: '3378041341',
        kjennemerke: 'CU10001',
        understellsnummer: 'TESTSISDINKY00004',
        merke: 'OPEL',
        merkeKode: '4350',
        handelsbetegnelse: 'ASTRA',
        forstegangRegistrertDato: '04.11.2019',
        karosserifargeKode: 'Hvit',
        leasingtakerNavn: 'LEDENDE FIRKANT',
      },
    });
    expect(apiCalls(fx.sim)).toMatchObject([{ status: 200, result: 'ok', kjennemerke: 'CU10001' }]);
  });

  it('uses one token for many requests', async () => {
    const client = clientFor();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.send(personRequest('OPPRETTE', `CU${20000 + i}`))),
    );
    expect(results.every((result) => result.kind === 'ok')).toBe(true);
    expect(tokenCalls(fx.sim)).toHaveLength(1);
    expect(apiCalls(fx.sim)).toHaveLength(40);
  });

  it('reports a stop with the merknad, for a plate the register does not know', async () => {
    const result = await clientFor().send(personRequest('OPPRETTE', 'XX12345'));
    expect(result).toEqual({
      kind: 'stopped',
      attempts: 1,
      merknader: [{ kode: 'KJORETOY_IKKE_FUNNET', beskrivelse: expect.any(String) }],
    });
  });

  it('keeps "already registered" a stop when nothing suggests an earlier send', async () => {
    const client = clientFor();
    await client.send(personRequest('OPPRETTE', 'CU10002'));
    const again = await client.send(personRequest('OPPRETTE', 'CU10002'));
    expect(again).toMatchObject({
      kind: 'stopped',
      merknader: [{ kode: 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT' }],
    });
  });

  it('counts "already so" as done when the row may have been sent in an interrupted run', async () => {
    const client = clientFor();
    await client.send(personRequest('OPPRETTE', 'CU10003'));
    const again = await client.send(personRequest('OPPRETTE', 'CU10003'), { maybeSentBefore: true });
    expect(again).toEqual({
      kind: 'ok',
      alreadySo: true,
      attempts: 1,
      entity: { kjennemerke: 'CU10003' },
      merknader: [{ kode: 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT', beskrivelse: expect.any(String) }],
    });
  });

  it('treats AVSLUTTE without a lessee as a stop, or as done when it may have been sent before', async () => {
    const client = clientFor();
    expect(await client.send(personRequest('AVSLUTTE', 'CU10004'))).toMatchObject({
      kind: 'stopped',
      merknader: [{ kode: 'INGEN_AKTIV_LEASINGTAKER' }],
    });
    expect(await client.send(personRequest('AVSLUTTE', 'CU10004'), { maybeSentBefore: true })).toMatchObject({
      kind: 'ok',
      alreadySo: true,
    });
  });

  it('keeps a stop that is not "already so" a stop even when the row may have been sent before', async () => {
    const result = await clientFor().send(personRequest('OPPRETTE', 'XX12345'), { maybeSentBefore: true });
    expect(result.kind).toBe('stopped');
  });

  it('fails a 400 at once, without retry, with the code from the reply', async () => {
    const retries: RetryInfo[] = [];
    const result = await clientFor({ onRetry: (info) => retries.push(info) }).send(
      personRequest('OPPRETTE', 'cu-10001'),
    );
    expect(result).toMatchObject({
      kind: 'failed',
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
      attempts: 1,
      // Refused as sent: nothing can have changed.
      maybeReached: false,
    });
    expect(retries).toEqual([]);
    expect(apiCalls(fx.sim)).toHaveLength(1);
  });
});

describe('LeasingtakerClient against the simulator: retries', () => {
  it('retries a 503 until the API answers', async () => {
    fx.sim.faults.share503 = 1;
    const retries: RetryInfo[] = [];
    const client = clientFor({
      onRetry: (info) => {
        retries.push(info);
        if (retries.length === 2) fx.sim.faults.share503 = 0;
      },
    });
    const result = await client.send(personRequest('OPPRETTE', 'CU10010'));
    expect(result).toMatchObject({ kind: 'ok', alreadySo: false, attempts: 3 });
    expect(retries.map((info) => info.reason)).toEqual(['HTTP 503', 'HTTP 503']);
    expect(apiCalls(fx.sim).map((call) => call.status)).toEqual([503, 503, 200]);
  });

  it('says a failure may have reached the register after a 500 or a lost reply, not after 429s only', async () => {
    const cases: [Partial<typeof NO_FAULTS>, boolean][] = [
      [{ share500: 1 }, true],
      [{ shareDrop: 1 }, true],
      [{ share503: 1 }, true],
      [{ share429: 1, retryAfterSeconds: 0 }, false],
    ];
    for (const [faults, maybeReached] of cases) {
      fx.sim.faults = { ...NO_FAULTS, ...faults };
      const result = await clientFor({ maxAttempts: 2 }).send(personRequest('OPPRETTE', 'CU10020'));
      expect(result, JSON.stringify(faults)).toMatchObject({ kind: 'failed', maybeReached });
    }
    // An earlier run's attempt counts too, whatever this run's failure.
    fx.sim.faults = { ...NO_FAULTS, share429: 1, retryAfterSeconds: 0 };
    const after = await clientFor({ maxAttempts: 1 }).send(personRequest('OPPRETTE', 'CU10020'), {
      maybeSentBefore: true,
    });
    expect(after).toMatchObject({ kind: 'failed', maybeReached: true });
  });

  it('gives up after maxAttempts when the API stays down', async () => {
    fx.sim.faults.down = true;
    const result = await clientFor({ maxAttempts: 3 }).send(personRequest('OPPRETTE', 'CU10011'));
    expect(result).toMatchObject({ kind: 'failed', status: 503, code: 'HTTP_503', attempts: 3 });
    expect(apiCalls(fx.sim)).toHaveLength(3);
  });

  it('retries a dropped connection', async () => {
    fx.sim.faults.shareDrop = 1;
    const client = clientFor({
      onRetry: () => {
        fx.sim.faults.shareDrop = 0;
      },
    });
    const result = await client.send(personRequest('OPPRETTE', 'CU10012'));
    expect(result).toMatchObject({ kind: 'ok', alreadySo: false, attempts: 2 });
    expect(apiCalls(fx.sim).map((call) => call.status)).toEqual(['dropped', 200]);
  });

  it('counts "already registered" after a drop as done: the dropped attempt made the change', async () => {
    fx.sim.faults.shareDrop = 1;
    fx.sim.faults.dropAfterApply = true;
    const retries: RetryInfo[] = [];
    const client = clientFor({
      onRetry: (info) => {
        retries.push(info);
        fx.sim.faults.shareDrop = 0;
      },
    });
    const result = await client.send(personRequest('OPPRETTE', 'CU10013'));
    expect(result).toMatchObject({ kind: 'ok', alreadySo: true, attempts: 2 });
    expect(retries[0]?.reason).toBe('ECONNRESET');
  });

  it('waits Retry-After on a 429, and holds every other worker too', async () => {
    fx.sim.faults.share429 = 1;
    fx.sim.faults.retryAfterSeconds = 1;
    const gate = createPauseGate();
    let other: Promise<unknown> | undefined;
    const client = clientFor({
      gate,
      onRetry: () => {
        fx.sim.faults.share429 = 0;
        other ??= client.send(personRequest('OPPRETTE', 'CU10015'));
      },
    });
    const started = Date.now();
    const result = await client.send(personRequest('OPPRETTE', 'CU10014'));
    const elapsed = Date.now() - started;
    await other;
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    const calls = apiCalls(fx.sim);
    expect(calls.map((call) => call.status)).toEqual([429, 200, 200]);
    const throttledAt = calls[0]?.at ?? 0;
    for (const call of calls.slice(1)) expect(call.at - throttledAt).toBeGreaterThanOrEqual(990);
  });

  it('cuts a Retry-After longer than maxRetryAfterSeconds', async () => {
    fx.sim.faults.share429 = 1;
    fx.sim.faults.retryAfterSeconds = 60;
    const delays: number[] = [];
    const client = clientFor({
      maxRetryAfterSeconds: 0.2,
      onRetry: (info) => {
        delays.push(info.delayMs);
        fx.sim.faults.share429 = 0;
      },
    });
    const started = Date.now();
    const result = await client.send(personRequest('OPPRETTE', 'CU10016'));
    expect(result.kind).toBe('ok');
    expect(delays).toEqual([200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out a reply that does not come and tries again', async () => {
    fx.sim.faults.shareSlow = 1;
    fx.sim.faults.slowMs = 1500;
    const retries: RetryInfo[] = [];
    const client = clientFor({
      timeoutMs: 200,
      onRetry: (info) => {
        retries.push(info);
        fx.sim.faults.shareSlow = 0;
      },
    });
    const result = await client.send(personRequest('OPPRETTE', 'CU10017'));
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(retries[0]?.reason).toBe('ETIMEDOUT');
  });

  it('fails with the timeout when every attempt is too slow', async () => {
    fx.sim.faults.shareSlow = 1;
    fx.sim.faults.slowMs = 1000;
    const result = await clientFor({ timeoutMs: 100, maxAttempts: 2 }).send(
      personRequest('OPPRETTE', 'CU10018'),
    );
    expect(result).toMatchObject({ kind: 'failed', code: 'ETIMEDOUT', attempts: 2 });
    expect(result).not.toHaveProperty('status');
  });

  it('rejects with the abort reason when the signal aborts during a pause', async () => {
    const gate = createPauseGate();
    gate.pauseUntil(Date.now() + 10_000);
    const controller = new AbortController();
    const sending = clientFor({ gate }).send(personRequest('OPPRETTE', 'CU10019'), {
      signal: controller.signal,
    });
    const reason = new Error('run stopped');
    setTimeout(() => controller.abort(reason), 20);
    await expect(sending).rejects.toBe(reason);
    expect(apiCalls(fx.sim)).toHaveLength(0);
  });
});

describe('LeasingtakerClient against the simulator: tokens', () => {
  it('rejects with the MaskinportenError when no token can be had, without calling the API', async () => {
    const tokens = createTokenProvider({ ...fx.settings, clientId: 'unknown-client' });
    const sending = clientFor({ tokens }).send(personRequest('OPPRETTE', 'CU10020'));
    await expect(sending).rejects.toBeInstanceOf(MaskinportenError);
    await expect(sending).rejects.toMatchObject({ oauthError: 'invalid_client' });
    expect(apiCalls(fx.sim)).toHaveLength(0);
  });

  it('fails after a second 401, the second time with a fresh token', async () => {
    const invalidated: string[] = [];
    let issued = 0;
    const tokens = {
      getToken: async () => `never-issued-${++issued}`,
      invalidate: (token: string) => invalidated.push(token),
    };
    const result = await clientFor({ tokens }).send(personRequest('OPPRETTE', 'CU10021'));
    expect(result).toMatchObject({ kind: 'failed', status: 401, code: 'UNAUTHORIZED', attempts: 2 });
    expect(invalidated).toEqual(['never-issued-1', 'never-issued-2']);
  });
});

describe('LeasingtakerClient token expiry under load', () => {
  let clock: SimFixture;
  let simOffsetMs = 0;
  beforeAll(async () => {
    clock = await startSimFixture({ tokenLifetimeSeconds: 5, now: () => Date.now() + simOffsetMs });
  });
  afterAll(() => clock.close());
  afterEach(() => {
    simOffsetMs = 0;
    clock.sim.reset();
  });

  it('refreshes the token once before it expires, under 16 concurrent requests', async () => {
    let providerOffsetMs = 0;
    const tokens = createTokenProvider(clock.settings, { now: () => Date.now() + providerOffsetMs });
    const client = clientFor({ apiUrl: clock.sim.apiUrl, tokens });
    expect((await client.send(personRequest('OPPRETTE', 'CU30000'))).kind).toBe('ok');
    // expires_in 5 s, refreshed a quarter of it before: due after 3.75 s.
    providerOffsetMs = 4_000;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => client.send(personRequest('OPPRETTE', `CU${30001 + i}`))),
    );
    expect(results.map((result) => result.kind)).toEqual(Array(16).fill('ok'));
    expect(results.every((result) => result.attempts === 1)).toBe(true);
    expect(tokenCalls(clock.sim)).toHaveLength(2);
  });

  it('gets one new token when 16 concurrent requests meet a 401 for a token the API no longer accepts', async () => {
    const tokens = createTokenProvider(clock.settings);
    const client = clientFor({ apiUrl: clock.sim.apiUrl, tokens });
    expect((await client.send(personRequest('OPPRETTE', 'CU31000'))).kind).toBe('ok');
    // The API's clock runs past the token's expiry while ours still thinks it valid (within the 10 s skew).
    simOffsetMs = 7_000;
    const retries: RetryInfo[] = [];
    const workers = clientFor({ apiUrl: clock.sim.apiUrl, tokens, onRetry: (info) => retries.push(info) });
    const sending = Array.from({ length: 16 }, (_, i) =>
      workers.send(personRequest('OPPRETTE', `CU${31001 + i}`)),
    );
    const results = await Promise.all(sending);
    expect(results.map((result) => result.kind)).toEqual(Array(16).fill('ok'));
    expect(retries.every((info) => info.reason === 'HTTP 401')).toBe(true);
    expect(retries).toHaveLength(16);
    expect(tokenCalls(clock.sim)).toHaveLength(2);
    expect(apiCalls(clock.sim).filter((call) => call.status === 401)).toHaveLength(16);
  });
});

describe('createLeasingtakerClient', () => {
  const tokens = { getToken: async () => 't', invalidate: () => {} };

  it.each(['http://www.vegvesen.no', 'http://10.0.0.1:8080', 'ftp://127.0.0.1', 'not a url'])(
    'refuses the API address %s',
    (apiUrl) => {
      expect(() => createLeasingtakerClient({ apiUrl, tokens })).toThrow(ApiConfigError);
    },
  );

  it('says why plain http is refused', () => {
    expect(() => createLeasingtakerClient({ apiUrl: 'http://www.vegvesen.no', tokens })).toThrow(
      /must use https/,
    );
  });

  it.each([
    'https://www.vegvesen.no',
    'https://synt.utv.vegvesen.no/',
    'http://127.0.0.1:9',
    'http://localhost:9',
    'http://[::1]:9',
  ])('accepts the API address %s', (apiUrl) => {
    createLeasingtakerClient({ apiUrl, tokens }).close();
  });
});

describe('no personal data or token in errors', () => {
  it('keeps fødselsnummer and tokens out of every failure and error', async () => {
    const seen: unknown[] = [];
    const record = async (run: () => Promise<unknown>) => {
      try {
        seen.push(await run());
      } catch (error) {
        seen.push(error);
      }
    };
    const request = personRequest('OPPRETTE', 'cu 10001', SEED_FNR);
    fx.sim.faults.down = true;
    await record(() => clientFor({ maxAttempts: 2 }).send(personRequest('OPPRETTE', 'CU10030')));
    fx.sim.faults.down = false;
    fx.sim.faults.shareDrop = 1;
    await record(() => clientFor({ maxAttempts: 2 }).send(personRequest('OPPRETTE', 'CU10031')));
    fx.sim.faults.shareDrop = 0;
    fx.sim.faults.shareSlow = 1;
    fx.sim.faults.slowMs = 500;
    await record(() =>
      clientFor({ maxAttempts: 1, timeoutMs: 50 }).send(personRequest('OPPRETTE', 'CU10032')),
    );
    fx.sim.faults.shareSlow = 0;
    await record(() => clientFor().send(request));
    await record(() =>
      clientFor({ tokens: { getToken: async () => 'stale', invalidate: () => {} } }).send(
        personRequest('OPPRETTE', 'CU10033'),
      ),
    );
    await record(() =>
      clientFor({ tokens: createTokenProvider({ ...fx.settings, kid: 'wrong' }) }).send(
        personRequest('OPPRETTE', 'CU10034'),
      ),
    );
    await record(() =>
      clientFor({ apiUrl: 'http://127.0.0.1:1', maxAttempts: 2 }).send(personRequest('OPPRETTE', 'CU10035')),
    );

    expect(seen).toHaveLength(7);
    const text = seen
      .map((item) =>
        item instanceof Error
          ? `${item.name} ${item.message} ${item.stack} ${JSON.stringify(item)} ${String(item.cause ?? '')}`
          : JSON.stringify(item),
      )
      .join('\n');
    expect(text).not.toContain(SEED_FNR);
    const tokensIssued = fx.sim.issuedTokens();
    expect(tokensIssued.length).toBeGreaterThan(0);
    for (const token of tokensIssued) expect(text).not.toContain(token);
    expect(text).not.toContain('Bearer');
  });
});
