/**
 * Why no token could be had. Every kind is a problem with configuration or connectivity, the same for every row,
 * so it aborts the run instead of failing rows one by one.
 * - `oauth`: Maskinporten answered with an OAuth error (`oauthError`, `description`).
 * - `unreachable`: the token endpoint did not answer, or answered 5xx, after a few attempts.
 * - `reply`: Maskinporten answered something that is not a token.
 * - `config`: the key, certificate or settings are unusable before anything is sent.
 */
export type MaskinportenErrorKind = 'oauth' | 'unreachable' | 'reply' | 'config';

export interface MaskinportenErrorDetails {
  readonly kind: MaskinportenErrorKind;
  /** The OAuth `error` code, e.g. `invalid_grant`. */
  readonly oauthError?: string;
  /** Maskinporten's `error_description`, e.g. `Unknown key identifier (kid) for client`. */
  readonly description?: string;
  /** What to check or do, naming the setting involved. */
  readonly hint: string;
  /** HTTP status of Maskinporten's reply, when there was one. */
  readonly status?: number;
  /** Network error code (`ECONNREFUSED`, `ETIMEDOUT`, ...) for `unreachable`. */
  readonly code?: string;
}

/** Never carries key material, an assertion or a token: messages are built from codes and settings names. */
export class MaskinportenError extends Error {
  override readonly name = 'MaskinportenError';
  readonly kind: MaskinportenErrorKind;
  readonly oauthError: string | undefined;
  readonly description: string | undefined;
  readonly hint: string;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(summary: string, details: MaskinportenErrorDetails) {
    super(`${summary} ${details.hint}`);
    this.kind = details.kind;
    this.oauthError = details.oauthError;
    this.description = details.description;
    this.hint = details.hint;
    this.status = details.status;
    this.code = details.code;
  }
}
