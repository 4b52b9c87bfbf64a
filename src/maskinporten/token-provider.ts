import { setTimeout as sleep } from 'node:timers/promises';
import got, { type Got, type Response } from 'got';
import { backoffDelay } from '../api/backoff.ts';
import type { TokenSource } from '../api/client.ts';
import { describeBytes, ReplyTooLargeError, withReplyLimit } from '../api/reply-limit.ts';
import { userAgent } from '../api/user-agent.ts';
import { maskId } from '../domain/mask.ts';
import { MaskinportenError } from './errors.ts';
import { createGrant, type GrantSettings } from './grant.ts';
import { explainOAuthError } from './hints.ts';
import { loadSigningKey, type SigningKey } from './keys.ts';
import type { MaskinportenSettings } from './settings.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A token is kept at least this long, whatever `expires_in` says: with `expires_in: 0.001` the job would ask
 * for a token before nearly every call. Should it really be dead sooner, the API's 401 makes the client drop it
 * and fetch one (one fetch for all workers), which is no worse than asking every time.
 */
export const MIN_TOKEN_LIFETIME_SECONDS = 5;

export interface TokenProviderOptions {
  /** got instance for the token endpoint. Default: one with `timeoutMs` and no retries of its own. */
  readonly http?: Got;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Get a new token this many seconds before the cached one expires (at most half its lifetime).
   * Default: min(30 s, a quarter of `expires_in`).
   */
  readonly refreshMarginSeconds?: number;
  /** An already loaded key. Default: `loadSigningKey(settings)` at creation, so a bad key fails at start-up. */
  readonly signingKey?: SigningKey;
  /** Attempts per token request on network errors, 429 and 5xx. Default 4. */
  readonly maxAttempts?: number;
  /** Backoff between those attempts (full jitter). Default 500 ms doubling up to 5 s. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Timeout of one token request, for the default `http`. Default 15 s. */
  readonly timeoutMs?: number;
  /** Something for the operator that doesn't stop the run (a token lifetime below the floor). Default: none. */
  readonly onWarning?: (message: string) => void;
}

interface CachedToken {
  readonly token: string;
  /** When to stop handing it out and fetch a new one (ms since the epoch). */
  readonly refreshAt: number;
}

export function createTokenProvider(
  settings: MaskinportenSettings,
  options: TokenProviderOptions = {},
): TokenSource {
  const now = options.now ?? Date.now;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 5000 };
  const endpoint = `${settings.issuer}token`;
  const grantSettings: GrantSettings = {
    issuer: settings.issuer,
    clientId: settings.clientId,
    scope: settings.scope,
    resource: settings.resource,
    ...(settings.consumerOrg === undefined ? {} : { consumerOrg: settings.consumerOrg }),
    signingKey: options.signingKey ?? loadSigningKey(settings),
  };
  const hintSettings = { ...settings, kid: grantSettings.signingKey.kid };
  const http =
    options.http ??
    got.extend({
      timeout: { request: options.timeoutMs ?? 15_000 },
      // Uncompressed, for the reply limit: see the API client's got instance.
      headers: { 'user-agent': userAgent(), accept: 'application/json', 'accept-encoding': 'identity' },
    });

  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;
  let warnedShortLifetime = false;

  async function requestOnce(assertion: string): Promise<Response<string>> {
    return withReplyLimit(
      http.post(endpoint, {
        form: { grant_type: JWT_BEARER, assertion },
        // Our loop retries with a fresh grant each time (a resent grant would be refused as "used before").
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
      }),
    );
  }

  async function fetchToken(): Promise<CachedToken> {
    let lastProblem = '';
    let lastStatus: number | undefined;
    let lastCode: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const startedAt = now();
      const assertion = await createGrant(grantSettings, startedAt);
      let response: Response<string> | undefined;
      try {
        response = await requestOnce(assertion);
      } catch (error) {
        lastCode = networkCode(error);
        lastStatus = undefined;
        // A reply that size is no token: a proxy's page, or a runaway server. Retried like a 5xx.
        lastProblem =
          error instanceof ReplyTooLargeError
            ? `answered with a reply larger than ${describeBytes(error.limitBytes)}, not read`
            : `did not answer (${lastCode})`;
      }
      if (response !== undefined) {
        const status = response.statusCode;
        if (status === 200) return parseToken(response.body, startedAt);
        if (status !== 429 && status < 500) throw refusal(status, response.body);
        lastStatus = status;
        lastCode = undefined;
        lastProblem = `answered HTTP ${status}`;
      }
      if (attempt >= maxAttempts) {
        throw new MaskinportenError(`Maskinporten (${endpoint}) ${lastProblem}, ${attempt} attempts.`, {
          kind: 'unreachable',
          hint:
            lastStatus === undefined
              ? 'Check the network connection, any proxy or firewall between this machine and Maskinporten, and MASKINPORTEN_ENV / MASKINPORTEN_ISSUER.'
              : 'Maskinporten seems to be having trouble: see https://status.digdir.no and try again later.',
          ...(lastStatus === undefined ? {} : { status: lastStatus }),
          ...(lastCode === undefined ? {} : { code: lastCode }),
        });
      }
      await sleep(backoffDelay(attempt, backoff));
    }
  }

  function parseToken(body: string, startedAt: number): CachedToken {
    const reply = parseJson(body);
    const token = reply?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new MaskinportenError('Maskinporten answered HTTP 200 without an access_token.', {
        kind: 'reply',
        status: 200,
        hint: 'Check MASKINPORTEN_ENV / MASKINPORTEN_ISSUER: the address may not be a Maskinporten token endpoint.',
      });
    }
    const expiresIn = Number(reply?.expires_in);
    // Maskinporten always sends expires_in; without it, assume a short life rather than reuse a dead token.
    let lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 60;
    if (lifetime < MIN_TOKEN_LIFETIME_SECONDS) {
      if (!warnedShortLifetime) {
        warnedShortLifetime = true;
        options.onWarning?.(
          `Maskinporten (${endpoint}) gave a token with expires_in ${expiresIn} s; it is kept for ` +
            `${MIN_TOKEN_LIFETIME_SECONDS} s instead, so as not to ask for a token before nearly every call. ` +
            "Check the client's token lifetime in Samarbeidsportalen (Maskinporten's default is 120 s).",
        );
      }
      lifetime = MIN_TOKEN_LIFETIME_SECONDS;
    }
    const margin =
      options.refreshMarginSeconds === undefined
        ? Math.min(30, lifetime / 4)
        : Math.min(Math.max(0, options.refreshMarginSeconds), lifetime / 2);
    // Counted from when the request was sent, so a slow answer errs on the early side.
    return { token, refreshAt: startedAt + (lifetime - margin) * 1000 };
  }

  function refusal(status: number, body: string): MaskinportenError {
    const reply = parseJson(body);
    const oauthError = typeof reply?.error === 'string' ? reply.error : undefined;
    if (oauthError === undefined) {
      return new MaskinportenError(`Maskinporten answered HTTP ${status} without an OAuth error.`, {
        kind: 'reply',
        status,
        hint: 'Check MASKINPORTEN_ENV / MASKINPORTEN_ISSUER: the address may not be a Maskinporten token endpoint.',
      });
    }
    const description =
      typeof reply?.error_description === 'string' ? maskNumbers(reply.error_description.slice(0, 500)) : '';
    return new MaskinportenError(
      `Maskinporten refused the token request: ${oauthError}${description === '' ? '' : ` (${description})`}.`,
      {
        kind: 'oauth',
        status,
        oauthError,
        description,
        hint: explainOAuthError(oauthError, description, hintSettings),
      },
    );
  }

  return {
    getToken() {
      const current = cached;
      if (current !== undefined && now() < current.refreshAt) return Promise.resolve(current.token);
      inFlight ??= fetchToken()
        .then((fresh) => {
          cached = fresh;
          return fresh.token;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Organisasjonsnummer (consumer_org, supplier) in Maskinporten's text are masked like any id on a console. */
function maskNumbers(text: string): string {
  return text.replace(/(?<!\d)(\d{9}|\d{11})(?!\d)/g, (id) => maskId(id));
}

/** Only the code: got's errors carry the request options, and with them the signed grant. */
function networkCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
