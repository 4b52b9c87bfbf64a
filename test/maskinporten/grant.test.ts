import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrant, GRANT_LIFETIME_SECONDS, type GrantSettings } from '../../src/maskinporten/grant.ts';
import { createKeyFixture, type KeyFixture } from '../support/keys.ts';

let fixture: KeyFixture;
let settings: GrantSettings;
beforeAll(() => {
  fixture = createKeyFixture();
  settings = {
    issuer: 'https://test.maskinporten.no/',
    clientId: 'client-1',
    scope: 'svv:kjoretoy/leasingtaker',
    resource: ['https://www.utv.vegvesen.no'],
    signingKey: { key: fixture.privateKey, kid: 'kid-1' },
  };
});
afterAll(() => fixture.cleanup());

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0, 750);

describe('createGrant', () => {
  it('signs RS256 with the kid in the header', async () => {
    const grant = await createGrant(settings, NOW);
    expect(decodeProtectedHeader(grant)).toEqual({ alg: 'RS256', kid: 'kid-1' });
    await expect(
      jwtVerify(grant, fixture.publicKey, { algorithms: ['RS256'], currentDate: new Date(NOW) }),
    ).resolves.toBeDefined();
  });

  it('carries exactly aud, iss, scope, iat, exp, jti and resource as an array', async () => {
    const claims = decodeJwt(await createGrant(settings, NOW));
    const iat = Math.floor(NOW / 1000);
    expect(claims).toEqual({
      aud: 'https://test.maskinporten.no/',
      iss: 'client-1',
      scope: 'svv:kjoretoy/leasingtaker',
      resource: ['https://www.utv.vegvesen.no'],
      iat,
      exp: iat + GRANT_LIFETIME_SECONDS,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(GRANT_LIFETIME_SECONDS).toBeLessThanOrEqual(120);
  });

  it('adds consumer_org when acting for a fleet owner and leaves resource out when there is none', async () => {
    const claims = decodeJwt(await createGrant({ ...settings, resource: [], consumerOrg: '974760673' }, NOW));
    expect(claims.consumer_org).toBe('974760673');
    expect(claims).not.toHaveProperty('resource');
  });

  it('puts the certificate chain in x5c as a JSON array instead of a kid', async () => {
    const grant = await createGrant(
      { ...settings, signingKey: { key: fixture.privateKey, x5c: ['AAAA', 'BBBB'] } },
      NOW,
    );
    expect(decodeProtectedHeader(grant)).toEqual({ alg: 'RS256', x5c: ['AAAA', 'BBBB'] });
  });

  it('makes a new jti for every grant', async () => {
    const grants = await Promise.all(Array.from({ length: 20 }, () => createGrant(settings, NOW)));
    expect(new Set(grants.map((grant) => decodeJwt(grant).jti)).size).toBe(20);
  });
});
