import { describe, expect, it } from 'vitest';
import { ClientRegistry, type RegisteredClient } from '../../src/simulator/clients.ts';
import { DEFAULT_SCOPE, DELEGATED_SCOPE_SUFFIX } from '../../src/simulator/constants.ts';
import { checkClaims, MAX_GRANT_LIFETIME_SECONDS } from '../../src/simulator/grant-claims.ts';
import { Refusal } from '../../src/simulator/grant-refusal.ts';
import { DEMO_FLEET_OWNER_ORGNR, OTHER_OWNER_ORGNR } from '../../src/simulator/register.ts';

// The grant's claim rules on their own (src/simulator/grant-claims.ts), without signing a JWT: the end-to-end
// cases over HTTP are in token-endpoint.test.ts.

const ISSUER = 'http://127.0.0.1/maskinporten/';
const NOW = Date.UTC(2026, 2, 1, 12);
const NOW_S = NOW / 1000;
const DELEGATED = DEFAULT_SCOPE + DELEGATED_SCOPE_SUFFIX;
const SUPPLIER_ORGNR = '910000004';

function registered(): RegisteredClient {
  const registry = new ClientRegistry();
  registry.add({
    clientId: 'client-1',
    orgnr: SUPPLIER_ORGNR,
    scopes: [DEFAULT_SCOPE],
    keys: [],
    delegations: [{ consumerOrg: DEMO_FLEET_OWNER_ORGNR, scopes: [DELEGATED] }],
  });
  const client = registry.get('client-1');
  if (!client) throw new Error('not registered');
  return client;
}

const good = (): Record<string, unknown> => ({
  aud: ISSUER,
  iss: 'client-1',
  scope: DEFAULT_SCOPE,
  iat: NOW_S,
  exp: NOW_S + 60,
  jti: 'jti-1',
});

function check(claims: Record<string, unknown>) {
  return checkClaims(registered(), claims, { issuer: ISSUER, now: NOW, clockSkewSeconds: 10 });
}

describe('checkClaims: accepted', () => {
  it('accepts a grant for the client itself, acting as its own organisation', () => {
    expect(check(good())).toEqual({
      jti: 'jti-1',
      exp: NOW_S + 60,
      scopes: [DEFAULT_SCOPE],
      actingOrg: SUPPLIER_ORGNR,
      consumerOrg: undefined,
      resource: undefined,
    });
  });

  it('accepts a delegated grant, acting as the consumer', () => {
    const accepted = check({ ...good(), scope: DELEGATED, consumer_org: DEMO_FLEET_OWNER_ORGNR });
    expect(accepted).toMatchObject({
      actingOrg: DEMO_FLEET_OWNER_ORGNR,
      consumerOrg: DEMO_FLEET_OWNER_ORGNR,
    });
  });

  it('accepts iat within the clock skew and the longest lifetime', () => {
    expect(() =>
      check({ ...good(), iat: NOW_S + 10, exp: NOW_S + 10 + MAX_GRANT_LIFETIME_SECONDS }),
    ).not.toThrow();
  });

  it('keeps resource and splits scopes on spaces', () => {
    const accepted = check({ ...good(), scope: ` ${DEFAULT_SCOPE}  `, resource: ['https://api.example/'] });
    expect(accepted).toMatchObject({ scopes: [DEFAULT_SCOPE], resource: ['https://api.example/'] });
  });
});

describe('checkClaims: refused', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['authorization_details', { authorization_details: [] }, 'invalid_grant', /authorization_details/],
    ['an unknown claim', { nonce: 'x' }, 'invalid_grant', /Unsupported claim: nonce/],
    ['another audience', { aud: 'https://maskinporten.no/' }, 'invalid_grant', /MP-110/],
    ['no iat', { iat: undefined }, 'invalid_grant', /invalid iat/],
    ['a text exp', { exp: '99' }, 'invalid_grant', /invalid exp/],
    ['an empty jti', { jti: '' }, 'invalid_grant', /Missing jti/],
    ['iat past the skew ahead', { iat: NOW_S + 11, exp: NOW_S + 60 }, 'invalid_grant', /in the future/],
    ['iat past the skew behind', { iat: NOW_S - 11 }, 'invalid_grant', /too far in the past/],
    ['exp now', { iat: NOW_S - 5, exp: NOW_S }, 'invalid_grant', /^JWT is expired$/],
    ['a lifetime too long', { exp: NOW_S + MAX_GRANT_LIFETIME_SECONDS + 1 }, 'invalid_grant', /at most 120/],
    ['an empty resource list', { resource: [] }, 'invalid_grant', /resource must be/],
    ['no scope', { scope: '  ' }, 'invalid_scope', /no scope/],
    ['a scope the client lacks', { scope: DELEGATED }, 'invalid_scope', /invalid scopes/],
    ['a consumer_org failing mod-11', { consumer_org: '310555567' }, 'invalid_grant', /valid organization/],
    [
      'a consumer that delegated nothing',
      { scope: DELEGATED, consumer_org: OTHER_OWNER_ORGNR },
      'invalid_grant',
      /has not delegated access/,
    ],
    [
      "the client's own scope on behalf of a consumer",
      { consumer_org: DEMO_FLEET_OWNER_ORGNR },
      'invalid_grant',
      /has not delegated access to the scope svv:kjoretoy\/leasingtaker /,
    ],
  ])('refuses %s', (_what, change, error, description) => {
    const claims = { ...good(), ...change };
    for (const [name, value] of Object.entries(change)) if (value === undefined) delete claims[name];
    let thrown: unknown;
    try {
      check(claims);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(Refusal);
    expect(thrown).toMatchObject({ error, clientId: 'client-1' });
    expect((thrown as Refusal).description).toMatch(description);
  });
});
