import { randomUUID } from 'node:crypto';
// Only the signing part: jose's entry point loads all of it (JWE, JWKS, key generation), ~20 ms at every start.
import { SignJWT } from 'jose/jwt/sign';
import type { SigningKey } from './keys.ts';
import type { MaskinportenSettings } from './settings.ts';

/**
 * Seconds between `iat` and `exp`. Maskinporten allows at most 120; the grant is used at once, so a minute leaves
 * room for a slow network without keeping a usable grant around for long.
 */
export const GRANT_LIFETIME_SECONDS = 60;

export type GrantSettings = Pick<
  MaskinportenSettings,
  'issuer' | 'clientId' | 'scope' | 'resource' | 'consumerOrg'
> & {
  readonly signingKey: SigningKey;
};

/**
 * Builds and signs one JWT-bearer grant. Only documented claims: Maskinporten refuses any other ("Invalid
 * assertion"). A fresh `jti` every call, since a reused one is refused ("Grant is used before").
 */
export async function createGrant(settings: GrantSettings, nowMs: number): Promise<string> {
  const { signingKey } = settings;
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = { scope: settings.scope };
  // Maskinporten documents only the array form of `resource` as supported.
  if (settings.resource.length > 0) claims.resource = [...settings.resource];
  if (settings.consumerOrg !== undefined) claims.consumer_org = settings.consumerOrg;
  const header =
    signingKey.x5c === undefined
      ? { alg: 'RS256', kid: signingKey.kid }
      : // x5c must be a JSON array; a string gives "Failed to extract certificate from jwt".
        { alg: 'RS256', x5c: [...signingKey.x5c] };
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setAudience(settings.issuer)
    .setIssuer(settings.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + GRANT_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(signingKey.key);
}
