// How a token request is refused: an OAuth error code and a description in Maskinporten's words (RFC 6749
// §5.2). Shared by the grant's checks, which throw it, and the endpoint, which turns it into a 400 reply.

import type { RegisteredClient } from './clients.ts';

export type OAuthError =
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'invalid_grant'
  | 'invalid_client'
  | 'invalid_scope';

/** A refused grant; `clientId` is set once the grant named a known client, for the call log. */
export class Refusal {
  readonly error: OAuthError;
  readonly description: string;
  readonly clientId: string | undefined;
  constructor(error: OAuthError, description: string, clientId?: string) {
    this.error = error;
    this.description = description;
    this.clientId = clientId;
  }
}

/** A refusal of a grant from a known client, logged with its clientId. */
export function refusalFor(registered: RegisteredClient, error: OAuthError, description: string): Refusal {
  return new Refusal(error, description, registered.client.clientId);
}
