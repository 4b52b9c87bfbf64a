import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MaskinportenError } from '../../src/maskinporten/errors.ts';
import { resolveMaskinportenSettings } from '../../src/maskinporten/settings.ts';
import { createTokenProvider } from '../../src/maskinporten/token-provider.ts';
import { createKeyFixture, hasOpenssl, selfSignedCertificate } from '../support/keys.ts';
import { type SimFixture, startSimFixture, tokenCalls } from '../support/simulator.ts';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startSimFixture({ tokenLifetimeSeconds: 8 });
});
afterAll(() => fx.close());
afterEach(() => fx.sim.reset());

const fast = { maxAttempts: 3, backoff: { baseMs: 10, maxMs: 20 } };

async function refusal(env: Record<string, string>, now?: () => number): Promise<MaskinportenError> {
  const resolved = resolveMaskinportenSettings({ ...fx.env, ...env });
  if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
  const provider = createTokenProvider(resolved.settings, { ...fast, ...(now ? { now } : {}) });
  const error = await provider.getToken().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MaskinportenError);
  return error as MaskinportenError;
}

describe('createTokenProvider against the simulator', () => {
  it('gets a token with a grant the simulator accepts', async () => {
    const token = await createTokenProvider(fx.settings).getToken();
    expect(fx.sim.issuedTokens()).toContain(token);
    expect(tokenCalls(fx.sim)).toMatchObject([{ status: 200, clientId: fx.clientId }]);
  });

  it('reuses the cached token for later callers', async () => {
    const provider = createTokenProvider(fx.settings);
    const first = await provider.getToken();
    for (let i = 0; i < 50; i++) expect(await provider.getToken()).toBe(first);
    expect(tokenCalls(fx.sim)).toHaveLength(1);
  });

  it('sends one token request however many callers ask at once', async () => {
    const provider = createTokenProvider(fx.settings);
    const tokens = await Promise.all(Array.from({ length: 16 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenCalls(fx.sim)).toHaveLength(1);
  });

  it('refreshes once, for all concurrent callers, when the token nears expiry', async () => {
    let offsetMs = 0;
    const provider = createTokenProvider(fx.settings, { now: () => Date.now() + offsetMs });
    const first = await provider.getToken();
    // expires_in 8 s; the default margin is a quarter of it, so the token is due after 6 s.
    offsetMs = 5_500;
    expect(await provider.getToken()).toBe(first);
    offsetMs = 6_500;
    const refreshed = await Promise.all(Array.from({ length: 16 }, () => provider.getToken()));
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(first);
    expect(tokenCalls(fx.sim)).toHaveLength(2);
  });

  it('drops the cached token on invalidate, but only when it is still the one given', async () => {
    const provider = createTokenProvider(fx.settings);
    const first = await provider.getToken();
    provider.invalidate('some other token');
    expect(await provider.getToken()).toBe(first);
    provider.invalidate(first);
    // Sixteen workers that all met a 401 with the first token: one refresh between them.
    for (let i = 0; i < 16; i++) provider.invalidate(first);
    const second = await Promise.all(Array.from({ length: 16 }, () => provider.getToken()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first);
    for (let i = 0; i < 16; i++) provider.invalidate(first);
    expect(await provider.getToken()).toBe(second[0]);
    expect(tokenCalls(fx.sim)).toHaveLength(2);
  });

  it('explains an unknown kid', async () => {
    const error = await refusal({ MASKINPORTEN_KID: 'not-registered' });
    expect(error).toMatchObject({ kind: 'oauth', oauthError: 'invalid_grant', status: 400 });
    expect(error.description).toContain('kid');
    expect(error.hint).toContain('MASKINPORTEN_KID (not-registered)');
    expect(error.message).toContain('MASKINPORTEN_KID');
    // A configuration error is not retried.
    expect(tokenCalls(fx.sim)).toHaveLength(1);
  });

  it('explains a scope the client was not granted', async () => {
    const error = await refusal({ MASKINPORTEN_SCOPE: 'svv:kjoretoy/noe-annet' });
    expect(error).toMatchObject({ kind: 'oauth', oauthError: 'invalid_scope' });
    expect(error.hint).toContain('MASKINPORTEN_SCOPE (svv:kjoretoy/noe-annet)');
    expect(error.hint).toContain('Samarbeidsportalen');
  });

  it('explains an unknown client with the environment to check', async () => {
    const error = await refusal({ MASKINPORTEN_CLIENT_ID: 'no-such-client' });
    expect(error).toMatchObject({
      kind: 'oauth',
      oauthError: 'invalid_client',
      description: 'Client not found',
    });
    expect(error.hint).toContain('MASKINPORTEN_CLIENT_ID (no-such-client)');
    expect(error.hint).toContain('MASKINPORTEN_ENV');
  });

  it('explains a missing Altinn delegation for consumer_org', async () => {
    const error = await refusal({ MASKINPORTEN_CONSUMER_ORG: '310555568' });
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.hint).toContain('Altinn');
    expect(error.message).not.toContain('310555568');
  });

  it("points at the machine's clock when the grant's iat is off", async () => {
    const error = await refusal({}, () => Date.now() - 60_000);
    expect(error.hint).toMatch(/clock.*NTP/);
  });

  it('refuses at creation a key file other users can read', () => {
    const resolved = resolveMaskinportenSettings({
      ...fx.env,
      MASKINPORTEN_KEY_FILE: writeOpenKey(),
    });
    if (!resolved.ok) throw new Error('settings');
    expect(() => createTokenProvider(resolved.settings)).toThrow(/chmod 600/);
  });

  it.runIf(hasOpenssl)('gets a token with a business certificate in x5c instead of a kid', async () => {
    const keys = createKeyFixture();
    try {
      const certificate = selfSignedCertificate(keys);
      fx.sim.addClient({
        clientId: 'certificate-client',
        orgnr: '310123455',
        scopes: ['svv:kjoretoy/leasingtaker'],
        keys: [],
        trustedCertificates: [certificate],
      });
      const resolved = resolveMaskinportenSettings({
        MASKINPORTEN_ISSUER: fx.sim.issuer,
        MASKINPORTEN_CLIENT_ID: 'certificate-client',
        MASKINPORTEN_KEY_FILE: keys.write('key.pem', keys.pkcs8Pem),
        MASKINPORTEN_CERT_FILE: keys.write('cert.pem', certificate, 0o644),
      });
      if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
      const token = await createTokenProvider(resolved.settings).getToken();
      expect(fx.sim.issuedTokens()).toContain(token);
    } finally {
      keys.cleanup();
    }
  });
});

/** The simulator client's key again, readable by everyone. */
function writeOpenKey(): string {
  const path = join(fx.dir, 'open.pem');
  writeFileSync(path, readFileSync(fx.keyFile, 'utf8'), { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}

describe('createTokenProvider against a failing token endpoint', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function serve(
    replies: { status: number; body: string }[],
  ): Promise<{ issuer: string; count: () => number }> {
    let calls = 0;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const reply = replies[Math.min(calls, replies.length - 1)] ?? { status: 500, body: '' };
        calls++;
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { issuer: `http://127.0.0.1:${port}/`, count: () => calls };
  }

  it('retries a 503 with a fresh grant and then uses the token', async () => {
    const endpoint = await serve([
      { status: 503, body: '' },
      { status: 200, body: JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 120 }) },
    ]);
    const provider = createTokenProvider({ ...fx.settings, issuer: endpoint.issuer }, fast);
    expect(await provider.getToken()).toBe('tok');
    expect(endpoint.count()).toBe(2);
  });

  it('gives up after a few 5xx with an error that says Maskinporten is in trouble', async () => {
    const endpoint = await serve([{ status: 502, body: 'Bad gateway' }]);
    const provider = createTokenProvider({ ...fx.settings, issuer: endpoint.issuer }, fast);
    await expect(provider.getToken()).rejects.toMatchObject({ kind: 'unreachable', status: 502 });
    expect(endpoint.count()).toBe(3);
  });

  it('says so when the reply is not a token', async () => {
    const endpoint = await serve([{ status: 200, body: '<html>login</html>' }]);
    const provider = createTokenProvider({ ...fx.settings, issuer: endpoint.issuer }, fast);
    await expect(provider.getToken()).rejects.toMatchObject({ name: 'MaskinportenError', kind: 'reply' });
  });

  it('reports Maskinporten unreachable after retries on a refused connection, and lets a later call try again', async () => {
    const endpoint = await serve([]);
    const issuer = endpoint.issuer;
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const provider = createTokenProvider({ ...fx.settings, issuer }, fast);
    const error = await provider.getToken().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MaskinportenError);
    expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' });
    expect((error as Error).message).toContain('3 attempts');
    await expect(provider.getToken()).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
