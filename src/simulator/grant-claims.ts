// The grant's claims, once its signature is verified: only the claims Maskinporten allows, the audience, a
// short lifetime within the clock skew, the scopes the client holds or was delegated by consumer_org. Pure: the
// caller supplies the time, and remembers the jti and issues the token itself, so the rules read on their own.

import type { RegisteredClient } from './clients.ts';
import { type OAuthError, refusalFor } from './grant-refusal.ts';
import { isValidOrgnr } from './identity.ts';

export const MAX_GRANT_LIFETIME_SECONDS = 120;
const ALLOWED_CLAIMS: ReadonlySet<string> = new Set([
  'aud',
  'iss',
  'scope',
  'iat',
  'exp',
  'jti',
  'resource',
  'consumer_org',
]);

/** What the endpoint checks the claims against. */
export interface ClaimRules {
  /** The audience the grant must name: this Maskinporten's issuer. */
  readonly issuer: string;
  /** Now, in epoch milliseconds. */
  readonly now: number;
  readonly clockSkewSeconds: number;
}

/** A grant whose claims passed; its jti is not yet checked for reuse. */
export interface AcceptedClaims {
  readonly jti: string;
  /** The grant's exp, epoch seconds. */
  readonly exp: number;
  readonly scopes: string[];
  /** The organisation acting: consumer_org, or else the client's own orgnr. */
  readonly actingOrg: string;
  readonly consumerOrg: string | undefined;
  readonly resource: string[] | undefined;
}

/** The claims checked in Maskinporten's order; the first rule broken refuses the grant. */
export function checkClaims(
  registered: RegisteredClient,
  claims: Record<string, unknown>,
  rules: ClaimRules,
): AcceptedClaims {
  const refuse = (error: OAuthError, description: string) => refusalFor(registered, error, description);
  for (const name of Object.keys(claims)) {
    if (name === 'authorization_details') {
      throw refuse('invalid_grant', 'MP-100: Invalid assertion. authorization_details is not supported here');
    }
    if (!ALLOWED_CLAIMS.has(name)) {
      throw refuse('invalid_grant', `MP-100: Invalid assertion. Unsupported claim: ${name.slice(0, 40)}`);
    }
  }
  if (claims.aud !== rules.issuer) {
    throw refuse('invalid_grant', `MP-110: Invalid audience. aud must be ${rules.issuer}`);
  }

  const { iat, exp, jti } = claims;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw refuse('invalid_grant', 'MP-100: Invalid assertion. Missing or invalid iat');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw refuse('invalid_grant', 'MP-100: Invalid assertion. Missing or invalid exp');
  }
  if (typeof jti !== 'string' || jti === '') {
    throw refuse('invalid_grant', 'MP-100: Invalid assertion. Missing jti');
  }
  const nowSeconds = rules.now / 1000;
  const skew = rules.clockSkewSeconds;
  if (iat > nowSeconds + skew)
    throw refuse('invalid_grant', 'MP-100: Invalid assertion. iat is in the future');
  if (iat < nowSeconds - skew) throw refuse('invalid_grant', 'JWT is expired: iat is too far in the past');
  if (exp <= nowSeconds) throw refuse('invalid_grant', 'JWT is expired');
  if (exp <= iat || exp - iat > MAX_GRANT_LIFETIME_SECONDS) {
    throw refuse(
      'invalid_grant',
      `MP-100: Invalid assertion. exp - iat must be positive and at most ${MAX_GRANT_LIFETIME_SECONDS} seconds`,
    );
  }

  let resource: string[] | undefined;
  if (claims.resource !== undefined) {
    if (!isNonEmptyStringArray(claims.resource)) {
      throw refuse('invalid_grant', 'MP-100: Invalid assertion. resource must be a JSON array of strings');
    }
    resource = claims.resource;
  }

  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s !== '') : [];
  if (scopes.length === 0) throw refuse('invalid_scope', 'Token request contains no scope');

  const consumerOrg = claims.consumer_org;
  let actingOrg = registered.client.orgnr;
  if (consumerOrg === undefined) {
    if (!scopes.every((scope) => registered.scopes.has(scope))) {
      throw refuse('invalid_scope', 'Token request contains invalid scopes for client');
    }
  } else {
    if (typeof consumerOrg !== 'string' || !isValidOrgnr(consumerOrg)) {
      throw refuse(
        'invalid_grant',
        'MP-100: Invalid assertion. consumer_org must be a valid organization number',
      );
    }
    // A delegated token needs a delegation for every scope asked for; the client's own scopes don't count.
    const delegated = registered.delegations.get(consumerOrg);
    const missing = scopes.find((scope) => !delegated?.has(scope));
    if (missing !== undefined) {
      throw refuse(
        'invalid_grant',
        `Consumer ${consumerOrg} has not delegated access to the scope ${missing} to supplier ${registered.client.orgnr}`,
      );
    }
    actingOrg = consumerOrg;
  }
  return { jti, exp, scopes, actingOrg, consumerOrg, resource };
}

function isNonEmptyStringArray(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry) => typeof entry === 'string' && entry !== '')
  );
}
