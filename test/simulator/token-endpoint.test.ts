import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPE, DELEGATED_SCOPE_SUFFIX } from '../../src/simulator/constants.ts';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { DEMO_FLEET_OWNER_ORGNR } from '../../src/simulator/register.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { requestToken, signGrant } from './helpers.ts';

type Demo = Awaited<ReturnType<typeof createDemoClient>>;

const DELEGATED = DEFAULT_SCOPE + DELEGATED_SCOPE_SUFFIX;
let sim: Simulator;
let demo: Demo;
let supplier: Demo;
let stranger: Demo;

beforeAll(async () => {
  [demo, supplier, stranger] = await Promise.all([
    createDemoClient(),
    createDemoClient({
      orgnr: '910000004',
      scopes: [],
      delegations: [{ consumerOrg: DEMO_FLEET_OWNER_ORGNR, scopes: [DELEGATED] }],
    }),
    createDemoClient(),
  ]);
  sim = await startSimulator({ clients: [demo.client] });
});

afterAll(() => sim.close());

beforeEach(() => {
  // Each test re-registers the supplier: revocation in one test must not leak into another.
  sim.addClient(supplier.client);
});

async function refusedWith(assertion: string): Promise<{ error: unknown; description: string }> {
  const reply = await requestToken(sim, assertion);
  expect(reply.status).toBe(400);
  return { error: reply.body.error, description: String(reply.body.error_description) };
}

describe('token endpoint: accepted grants', () => {
  it('issues an opaque bearer token for a correct grant', async () => {
    const reply = await requestToken(sim, await signGrant(sim, demo));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: DEFAULT_SCOPE });
    expect(reply.body.access_token).toMatch(/^[\w-]{40,}$/);
    expect(sim.issuedTokens()).toContain(reply.body.access_token);
    expect(sim.calls.at(-1)).toMatchObject({
      endpoint: 'token',
      status: 200,
      clientId: demo.client.clientId,
    });
  });

  it.each(['RS384', 'RS512'])('accepts %s', async (alg) => {
    const reply = await requestToken(sim, await signGrant(sim, demo, { header: { alg, kid: demo.kid } }));
    expect(reply.status).toBe(200);
  });

  it('accepts resource as an array (audience-restricted token)', async () => {
    const assertion = await signGrant(sim, demo, { claims: { resource: ['https://www.utv.vegvesen.no'] } });
    expect((await requestToken(sim, assertion)).status).toBe(200);
  });

  it('accepts consumer_org when the consumer delegated the scope, and refuses it once revoked', async () => {
    const grant = () =>
      signGrant(sim, supplier, { claims: { scope: DELEGATED, consumer_org: DEMO_FLEET_OWNER_ORGNR } });
    const accepted = await requestToken(sim, await grant());
    expect(accepted.status).toBe(200);
    expect(accepted.body.scope).toBe(DELEGATED);
    expect(sim.calls.at(-1)).toMatchObject({ status: 200, consumerOrg: DEMO_FLEET_OWNER_ORGNR });

    sim.revokeDelegation(supplier.client.clientId, DEMO_FLEET_OWNER_ORGNR);
    const refused = await refusedWith(await grant());
    expect(refused.error).toBe('invalid_grant');
    expect(refused.description).toContain('has not delegated access');
  });
});

describe('token endpoint: refused grants', () => {
  it('refuses a wrong aud with MP-110', async () => {
    for (const aud of ['https://test.maskinporten.no/', sim.issuer.slice(0, -1), [sim.issuer]]) {
      const refused = await refusedWith(await signGrant(sim, demo, { claims: { aud } }));
      expect(refused).toMatchObject({ error: 'invalid_grant' });
      expect(refused.description).toContain('MP-110');
    }
  });

  it('refuses an unknown client id as invalid_client "Client not found"', async () => {
    const refused = await refusedWith(await signGrant(sim, stranger));
    expect(refused).toEqual({ error: 'invalid_client', description: 'Client not found' });
    expect(sim.calls.at(-1)).toMatchObject({ endpoint: 'token', status: 400, error: 'invalid_client' });
  });

  it('refuses an unknown kid', async () => {
    const assertion = await signGrant(sim, demo, { header: { alg: 'RS256', kid: 'not-registered' } });
    expect(await refusedWith(assertion)).toEqual({
      error: 'invalid_grant',
      description: 'Unknown key identifier (kid) for client',
    });
  });

  it('refuses a grant signed with another key under the registered kid', async () => {
    const refused = await refusedWith(await signGrant(sim, demo, { privateKeyPem: stranger.privateKeyPem }));
    expect(refused.error).toBe('invalid_grant');
    expect(refused.description).toContain('Signature verification failed');
  });

  it('refuses an iat older than the clock skew, and one in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await refusedWith(await signGrant(sim, demo, { nowSeconds: now - 60 }));
    expect(old).toMatchObject({ error: 'invalid_grant' });
    expect(old.description).toContain('JWT is expired');
    const future = await refusedWith(await signGrant(sim, demo, { nowSeconds: now + 60 }));
    expect(future.description).toContain('iat is in the future');
  });

  it('refuses exp - iat over 120 seconds, and an exp already passed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const long = await refusedWith(await signGrant(sim, demo, { claims: { exp: now + 121 } }));
    expect(long).toMatchObject({ error: 'invalid_grant' });
    expect(long.description).toContain('exp - iat');
    const passed = await refusedWith(
      await signGrant(sim, demo, { nowSeconds: now - 5, claims: { exp: now - 1 } }),
    );
    expect(passed).toEqual({ error: 'invalid_grant', description: 'JWT is expired' });
  });

  it('refuses a reused jti', async () => {
    const jti = 'used-once';
    expect((await requestToken(sim, await signGrant(sim, demo, { claims: { jti } }))).status).toBe(200);
    const refused = await refusedWith(await signGrant(sim, demo, { claims: { jti } }));
    expect(refused).toEqual({ error: 'invalid_grant', description: 'Grant is used before' });
  });

  it.each([
    ['an undocumented claim', { sub: 'someone' }],
    ['authorization_details (system users, unsupported here)', { authorization_details: [{ type: 'x' }] }],
    ['a missing jti', { jti: undefined }],
    ['a string resource', { resource: 'https://www.utv.vegvesen.no' }],
    ['an invalid consumer_org', { consumer_org: '123456789' }],
  ])('refuses %s with MP-100', async (_name, claims) => {
    const refused = await refusedWith(await signGrant(sim, demo, { claims }));
    expect(refused.error).toBe('invalid_grant');
    expect(refused.description).toContain('MP-100: Invalid assertion');
  });

  it('refuses x5c given as a string', async () => {
    const assertion = await signGrant(sim, demo, { header: { alg: 'RS256', x5c: 'MIIBIjANBgkq' } });
    expect(await refusedWith(assertion)).toEqual({
      error: 'invalid_grant',
      description: 'Failed to extract certificate from jwt',
    });
  });

  it('refuses a header with both kid and x5c, or neither', async () => {
    for (const header of [{ alg: 'RS256', kid: demo.kid, x5c: ['AAAA'] }, { alg: 'RS256' }]) {
      const refused = await refusedWith(await signGrant(sim, demo, { header }));
      expect(refused.description).toContain('exactly one of kid and x5c');
    }
  });

  it('refuses an algorithm other than RS256/RS384/RS512', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ aud: sim.issuer, iss: demo.client.clientId, scope: DEFAULT_SCOPE })
      .setProtectedHeader({ alg: 'HS256', kid: demo.kid })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti('hs256')
      .sign(new TextEncoder().encode('a shared secret that Maskinporten never accepts'));
    const refused = await refusedWith(assertion);
    expect(refused.description).toContain('alg must be RS256');
  });

  it('refuses a scope not granted to the client', async () => {
    const refused = await refusedWith(
      await signGrant(sim, demo, { claims: { scope: `${DEFAULT_SCOPE} svv:kjoretoy/kjoretoyopplysninger` } }),
    );
    expect(refused).toEqual({
      error: 'invalid_scope',
      description: 'Token request contains invalid scopes for client',
    });
  });

  it('refuses consumer_org without a delegation from that consumer', async () => {
    const refused = await refusedWith(
      await signGrant(sim, demo, { claims: { scope: DELEGATED, consumer_org: DEMO_FLEET_OWNER_ORGNR } }),
    );
    expect(refused.error).toBe('invalid_grant');
    expect(refused.description).toBe(
      `Consumer ${DEMO_FLEET_OWNER_ORGNR} has not delegated access to the scope ${DELEGATED} to supplier ${demo.client.orgnr}`,
    );
  });

  it('refuses a delegated token for a scope the consumer did not delegate', async () => {
    const refused = await refusedWith(
      await signGrant(sim, supplier, {
        claims: { scope: DEFAULT_SCOPE, consumer_org: DEMO_FLEET_OWNER_ORGNR },
      }),
    );
    expect(refused.description).toContain('has not delegated access');
  });

  it('refuses a malformed assertion, a wrong grant_type, another content type and GET', async () => {
    expect(await refusedWith('not.a.jwt')).toMatchObject({ error: 'invalid_grant' });

    const wrongGrant = await fetch(`${sim.issuer}token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', assertion: 'x' }).toString(),
    });
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });

    const json = await fetch(`${sim.issuer}token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'x' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });

    expect((await fetch(`${sim.issuer}token`)).status).toBe(405);
  });

  it('publishes its metadata at the well-known address', async () => {
    const metadata = await (await fetch(`${sim.issuer}.well-known/oauth-authorization-server`)).json();
    expect(metadata).toMatchObject({ issuer: sim.issuer, token_endpoint: `${sim.issuer}token` });
  });
});
