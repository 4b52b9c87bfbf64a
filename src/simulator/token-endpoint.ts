// Maskinporten's token endpoint for the JWT-bearer grant, as strict as the real one (Digdir's documentation,
// summarised in shared/domain/NOTES.md): the HTTP side of a token request (the form, its parameters, the reply),
// a jti used once, and the token issued into the store. The grant's checks are in grant-assertion.ts (the
// signed JWT and its key) and grant-claims.ts (what it claims).

import type { ClientRegistry } from './clients.ts';
import { decodeUnverified, verificationKey, verifiedClaims } from './grant-assertion.ts';
import { type AcceptedClaims, checkClaims } from './grant-claims.ts';
import { Refusal, refusalFor } from './grant-refusal.ts';
import type { TokenStore } from './token-store.ts';
import type { CallRecord } from './types.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

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
    const key = await verificationKey(registered, header, () => this.ctx.now());
    const claims = await verifiedClaims(registered, assertion, key, header);
    const now = this.ctx.now();
    const accepted = checkClaims(registered, claims, {
      issuer: this.ctx.issuer,
      now,
      clockSkewSeconds: this.ctx.clockSkewSeconds,
    });

    // Last, so a grant refused for another reason doesn't use up its jti.
    if (this.usedJti.has(accepted.jti)) throw refusalFor(registered, 'invalid_grant', 'Grant is used before');
    this.rememberJti(accepted.jti, accepted.exp, now / 1000);
    return this.issue(registered.client.clientId, accepted);
  }

  private issue(clientId: string, { scopes, actingOrg, consumerOrg, resource }: AcceptedClaims) {
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
