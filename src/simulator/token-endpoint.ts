// Maskinporten's token endpoint for the JWT-bearer grant, as strict as the real one (Digdir's documentation,
// summarised in shared/domain/NOTES.md). The grant is verified fully; the token issued is an opaque random
// string, so the API can check it with one Map lookup.

import { randomBytes, X509Certificate } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type KeyObject } from 'jose';
import { type ClientRegistry, keyForKid, type RegisteredClient } from './clients.ts';
import { isValidOrgnr } from './identity.ts';
import type { CallRecord } from './types.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const MAX_GRANT_LIFETIME_SECONDS = 120;
const ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512']);
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

export interface IssuedToken {
  readonly expiresAt: number;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The organisation acting: consumer_org, or else the client's own orgnr. */
  readonly actingOrg: string;
  readonly consumerOrg?: string;
  readonly resource?: readonly string[];
}

/** Every token issued, kept after expiry so the API can say "expired" rather than "unknown". */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(token: IssuedToken): string {
    const value = randomBytes(32).toString('base64url');
    this.tokens.set(value, token);
    return value;
  }

  get(value: string): IssuedToken | undefined {
    return this.tokens.get(value);
  }

  all(): string[] {
    return [...this.tokens.keys()];
  }
}

export interface EndpointReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly record: Partial<CallRecord>;
}

export interface TokenEndpointContext {
  readonly issuer: string;
  readonly clients: ClientRegistry;
  readonly tokens: TokenStore;
  readonly now: () => number;
  readonly clockSkewSeconds: number;
  readonly tokenLifetimeSeconds: number;
}

type OAuthError =
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'invalid_grant'
  | 'invalid_client'
  | 'invalid_scope';

/** A refused grant; `clientId` is set once the grant named a known client, for the call log. */
class Refusal {
  readonly error: OAuthError;
  readonly description: string;
  readonly clientId: string | undefined;
  constructor(error: OAuthError, description: string, clientId?: string) {
    this.error = error;
    this.description = description;
    this.clientId = clientId;
  }
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export class TokenEndpoint {
  private readonly ctx: TokenEndpointContext;
  /** jti -> the grant's exp (epoch s): a jti only needs remembering while its grant could still be valid. */
  private readonly usedJti = new Map<string, number>();
  private nextJtiPrune = 10_000;

  constructor(ctx: TokenEndpointContext) {
    this.ctx = ctx;
  }

  async handle(contentType: string | undefined, body: string): Promise<EndpointReply> {
    try {
      const issued = await this.grant(contentType, body);
      return {
        status: 200,
        headers: NO_STORE,
        body: JSON.stringify({
          access_token: issued.accessToken,
          token_type: 'Bearer',
          expires_in: this.ctx.tokenLifetimeSeconds,
          scope: issued.scope,
        }),
        record: {
          clientId: issued.clientId,
          ...(issued.consumerOrg ? { consumerOrg: issued.consumerOrg } : {}),
        },
      };
    } catch (thrown) {
      if (!(thrown instanceof Refusal)) throw thrown;
      return {
        status: 400,
        headers: NO_STORE,
        body: JSON.stringify({ error: thrown.error, error_description: thrown.description }),
        record: { error: thrown.error, ...(thrown.clientId ? { clientId: thrown.clientId } : {}) },
      };
    }
  }

  private async grant(contentType: string | undefined, body: string) {
    if (mediaType(contentType) !== 'application/x-www-form-urlencoded') {
      throw new Refusal('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const grantType = single(form, 'grant_type');
    if (grantType !== JWT_BEARER_GRANT) {
      throw new Refusal('unsupported_grant_type', `grant_type must be ${JWT_BEARER_GRANT}`);
    }
    const assertion = single(form, 'assertion');
    if (!assertion) throw new Refusal('invalid_request', 'Missing assertion');

    const { header, unverifiedIss } = decodeUnverified(assertion);
    const registered = this.ctx.clients.get(unverifiedIss);
    if (!registered) throw new Refusal('invalid_client', 'Client not found');
    const clientId = registered.client.clientId;
    const refuse = (error: OAuthError, description: string): Refusal =>
      new Refusal(error, description, clientId);

    const key = await this.verificationKey(registered, header, refuse);
    let payloadBytes: Uint8Array;
    try {
      payloadBytes = (await compactVerify(assertion, key, { algorithms: [header.alg] })).payload;
    } catch {
      throw refuse('invalid_grant', 'MP-100: Invalid assertion. Signature verification failed');
    }
    const claims = JSON.parse(new TextDecoder().decode(payloadBytes)) as Record<string, unknown>;
    return this.checkClaims(registered, claims, refuse);
  }

  private async verificationKey(
    registered: RegisteredClient,
    header: { alg: string; kid?: unknown; x5c?: unknown },
    refuse: (error: OAuthError, description: string) => Refusal,
  ) {
    if (header.kid !== undefined) {
      const key =
        typeof header.kid === 'string' ? await keyForKid(registered, header.kid, header.alg) : undefined;
      if (!key) throw refuse('invalid_grant', 'Unknown key identifier (kid) for client');
      return key;
    }
    const leaf = leafCertificate(header.x5c);
    if (!leaf) throw refuse('invalid_grant', 'Failed to extract certificate from jwt');
    if (!registered.trustedFingerprints.has(leaf.fingerprint256)) {
      throw refuse(
        'invalid_grant',
        'MP-120: Invalid certificate. The certificate is not registered for the client',
      );
    }
    const now = this.ctx.now();
    if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) {
      throw refuse(
        'invalid_grant',
        'MP-120: Invalid certificate. The certificate has expired or is not yet valid',
      );
    }
    if (leaf.publicKey.asymmetricKeyType !== 'rsa') {
      throw refuse('invalid_grant', 'MP-120: Invalid certificate. The certificate must hold an RSA key');
    }
    return leaf.publicKey as KeyObject;
  }

  private checkClaims(
    registered: RegisteredClient,
    claims: Record<string, unknown>,
    refuse: (error: OAuthError, description: string) => Refusal,
  ) {
    for (const name of Object.keys(claims)) {
      if (name === 'authorization_details') {
        throw refuse(
          'invalid_grant',
          'MP-100: Invalid assertion. authorization_details is not supported here',
        );
      }
      if (!ALLOWED_CLAIMS.has(name)) {
        throw refuse('invalid_grant', `MP-100: Invalid assertion. Unsupported claim: ${name.slice(0, 40)}`);
      }
    }
    if (claims.aud !== this.ctx.issuer) {
      throw refuse('invalid_grant', `MP-110: Invalid audience. aud must be ${this.ctx.issuer}`);
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
    const nowSeconds = this.ctx.now() / 1000;
    const skew = this.ctx.clockSkewSeconds;
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

    // Last, so a grant refused for another reason doesn't use up its jti.
    if (this.usedJti.has(jti)) throw refuse('invalid_grant', 'Grant is used before');
    this.rememberJti(jti, exp, nowSeconds);

    const clientId = registered.client.clientId;
    const accessToken = this.ctx.tokens.issue({
      expiresAt: this.ctx.now() + this.ctx.tokenLifetimeSeconds * 1000,
      clientId,
      scopes,
      actingOrg,
      ...(consumerOrg !== undefined ? { consumerOrg } : {}),
      ...(resource ? { resource } : {}),
    });
    return { accessToken, clientId, consumerOrg, scope: scopes.join(' ') };
  }

  private rememberJti(jti: string, exp: number, nowSeconds: number): void {
    this.usedJti.set(jti, exp);
    if (this.usedJti.size < this.nextJtiPrune) return;
    for (const [used, usedExp] of this.usedJti) if (usedExp < nowSeconds) this.usedJti.delete(used);
    this.nextJtiPrune = Math.max(10_000, this.usedJti.size * 2);
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** A form parameter given exactly once (RFC 6749 §3.2: parameters must not repeat). */
function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw new Refusal('invalid_request', `Parameter ${name} is given more than once`);
  return values[0];
}

function decodeUnverified(assertion: string): {
  header: { alg: string; kid?: unknown; x5c?: unknown };
  unverifiedIss: string;
} {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    payload = decodeJwt(assertion) as Record<string, unknown>;
  } catch {
    throw new Refusal('invalid_grant', 'MP-100: Invalid assertion. The assertion is not a signed JWT');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) {
    throw new Refusal('invalid_grant', 'MP-100: Invalid assertion. alg must be RS256, RS384 or RS512');
  }
  const hasKid = header.kid !== undefined;
  const hasX5c = header.x5c !== undefined;
  if (hasKid === hasX5c) {
    throw new Refusal(
      'invalid_grant',
      'MP-100: Invalid assertion. The header needs exactly one of kid and x5c',
    );
  }
  if (typeof payload.iss !== 'string') throw new Refusal('invalid_client', 'Client not found');
  return { header: { alg, kid: header.kid, x5c: header.x5c }, unverifiedIss: payload.iss };
}

/** The first certificate of an x5c array (base64 DER), or undefined when x5c is not such an array. */
function leafCertificate(x5c: unknown): X509Certificate | undefined {
  if (!Array.isArray(x5c) || !x5c.every((entry) => typeof entry === 'string')) return undefined;
  const first: unknown = x5c[0];
  if (typeof first !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(first)) return undefined;
  try {
    return new X509Certificate(Buffer.from(first, 'base64'));
  } catch {
    return undefined;
  }
}

function isNonEmptyStringArray(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry) => typeof entry === 'string' && entry !== '')
  );
}
