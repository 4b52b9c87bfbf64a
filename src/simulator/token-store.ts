// The tokens the simulated Maskinporten has issued, which the simulated API checks a bearer token against. A
// token is an opaque random string, so the API checks it with one Map lookup.

import { randomBytes } from 'node:crypto';

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
