import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'got';
import type { RowOutcome } from '../domain/outcome.ts';
import type { LeasingtakerRequest } from '../domain/types.ts';
import { SETTINGS } from '../settings.ts';
import { type AlreadySoCodes, DEFAULT_ALREADY_SO_CODES, isAlreadySo } from './already-so.ts';
import { type BackoffSettings, backoffDelay, parseRetryAfter } from './backoff.ts';
import { classifyReply } from './classify.ts';
import { createApiHttp } from './http.ts';
import { describeNetworkError } from './network-error.ts';
import { createPauseGate, type PauseGate } from './pause-gate.ts';

/** The two things the client needs from Maskinporten; `createTokenProvider` makes one. */
export interface TokenSource {
  /** A valid access token; cached, and one request in flight however many callers wait. */
  getToken(): Promise<string>;
  /**
   * Forgets `token` if it is still the cached one (the API said 401). Comparing with the cached token means
   * that many workers refused with the same token cause one refresh, not one each.
   */
  invalidate(token: string): void;
}

export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  /** `HTTP 503`, `ECONNRESET`, ... : a status or an error code, never a URL or a body. */
  readonly reason: string;
  /** How long this worker waits before the next attempt (a pause of the gate included). */
  readonly delayMs: number;
}

export interface LeasingtakerClientOptions {
  /**
   * `LEASINGTAKER_API_URL`: scheme and host of the API, e.g. `https://www.vegvesen.no` (the path is added).
   * http only on loopback (the simulator).
   */
  readonly apiUrl: string;
  /** Access tokens; `tokens.getToken()` rejecting (a MaskinportenError) rejects `send`, which aborts the run. */
  readonly tokens: TokenSource;
  /** Time for one attempt, from sending to the whole reply, in ms. Default `SETTINGS.timeoutSeconds`. */
  readonly timeoutMs?: number;
  /** Attempts per request on network errors, 429, 502, 503 and 504. Default `SETTINGS.maxAttempts`. A 401 adds one more. */
  readonly maxAttempts?: number;
  /** Backoff between attempts, exponential with full jitter. Default 500 ms doubling up to 30 s. */
  readonly backoff?: BackoffSettings;
  /** A longer `Retry-After` is cut to this many seconds. Default 120. */
  readonly maxRetryAfterSeconds?: number;
  /** Default `leasingtaker-batch/<version>`. */
  readonly userAgent?: string;
  /** Shared pause for 429; default one for this client, which its workers share. */
  readonly gate?: PauseGate;
  /** Called before every wait for a retry; keep it cheap. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Called for every request sent, with the reply's HTTP status, or undefined when none came; for metrics. */
  readonly onReply?: (status: number | undefined) => void;
  /** Connections kept open per host; at least the number of concurrent workers. Default 64. */
  readonly maxSockets?: number;
  /** Merknad codes that mean "already so" (`LEASINGTAKER_ALREADY_SO_CODES`). Default `DEFAULT_ALREADY_SO_CODES`. */
  readonly alreadySoCodes?: AlreadySoCodes;
  /** Clock in ms since the epoch; for Retry-After dates. Default `Date.now`. */
  readonly now?: () => number;
}

export interface SendOptions {
  /**
   * The row may have been sent in an earlier run that was interrupted before its reply was recorded. An
   * "already so" stop then counts as done (`alreadySo: true`).
   */
  readonly maybeSentBefore?: boolean;
  /** Aborting rejects `send` with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface LeasingtakerClient {
  send(request: LeasingtakerRequest, options?: SendOptions): Promise<RowOutcome>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export function createLeasingtakerClient(options: LeasingtakerClientOptions): LeasingtakerClient {
  const { tokens } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? SETTINGS.timeoutSeconds.default * 1000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? SETTINGS.maxAttempts.default);
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const maxRetryAfterMs = (options.maxRetryAfterSeconds ?? 120) * 1000;
  const gate = options.gate ?? createPauseGate(now);
  const alreadySoCodes = options.alreadySoCodes ?? DEFAULT_ALREADY_SO_CODES;
  const { onRetry, onReply } = options;
  const maxSockets = options.maxSockets ?? 64;

  const http = createApiHttp(options.apiUrl, {
    maxSockets,
    timeoutMs,
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  });

  async function send(request: LeasingtakerRequest, sendOptions: SendOptions = {}): Promise<RowOutcome> {
    try {
      return await attemptAll(request, sendOptions);
    } catch (error) {
      // Whichever await noticed the abort (gate, backoff or request), the caller gets the signal's own reason.
      if (sendOptions.signal?.aborted) throw sendOptions.signal.reason;
      throw error;
    }
  }

  async function attemptAll(request: LeasingtakerRequest, sendOptions: SendOptions): Promise<RowOutcome> {
    const { signal } = sendOptions;
    const body = requestBody(request);
    let maybeReached = sendOptions.maybeSentBefore === true;
    let refreshedAfter401 = false;
    let attempts = 0;
    let countedAttempts = 0;

    for (;;) {
      await gate.wait(signal);
      const token = await tokens.getToken();
      attempts++;
      countedAttempts++;

      let response: Response<string>;
      try {
        response = await http.post(body, { token, ...(signal === undefined ? {} : { signal }) });
      } catch (error) {
        onReply?.(undefined);
        if (signal?.aborted) throw signal.reason;
        const problem = describeNetworkError(error);
        if (problem.mayHaveReached) maybeReached = true;
        if (!problem.retry || countedAttempts >= maxAttempts) {
          return {
            kind: 'failed',
            code: problem.code,
            message: problem.message(attempts),
            maybeReached,
            attempts,
          };
        }
        await pause(countedAttempts, problem.code, backoffDelay(countedAttempts, backoff), false, signal);
        continue;
      }

      const status = response.statusCode;
      onReply?.(status);
      const reply = classifyReply(status, parseBody(response.body));
      switch (reply.kind) {
        case 'ok':
          return { kind: 'ok', entity: reply.entity, alreadySo: false, attempts };
        case 'stopped':
          if (maybeReached && isAlreadySo(request.handling, reply.merknader, alreadySoCodes)) {
            return {
              kind: 'ok',
              entity: { kjennemerke: request.kjennemerke },
              alreadySo: true,
              merknader: reply.merknader,
              attempts,
            };
          }
          return { kind: 'stopped', merknader: reply.merknader, attempts };
        case 'failed':
          // A 4xx is a refusal of the request as sent; anything else (a 500 after the work was done, a 200 we
          // can't read) may have changed the register.
          if (status < 400 || status >= 500) maybeReached = true;
          return {
            kind: 'failed',
            status: reply.status,
            code: reply.code,
            message: reply.message,
            maybeReached,
            attempts,
          };
        case 'unauthorized':
          // Most likely the token expired or was revoked early; other workers may have met the same 401, and
          // invalidate() makes them share one refresh. A second 401 with a fresh token is not about the token.
          tokens.invalidate(token);
          if (refreshedAfter401) {
            return {
              kind: 'failed',
              status,
              code: 'UNAUTHORIZED',
              message:
                'HTTP 401 to ganger, den andre med nytt token: sjekk at virksomheten har tilgang til API-et og scopet (MASKINPORTEN_SCOPE)',
              maybeReached,
              attempts,
            };
          }
          refreshedAfter401 = true;
          countedAttempts--;
          onRetry?.({ attempt: attempts, reason: 'HTTP 401', delayMs: 0 });
          continue;
        case 'retry': {
          // A 5xx from a gateway may come after the API did the work; a 429 is refused before any.
          if (status !== 429) maybeReached = true;
          if (countedAttempts >= maxAttempts) {
            return {
              kind: 'failed',
              status,
              code: `HTTP_${status}`,
              message: `Leasingtaker-API-et svarte HTTP ${status} (${attempts} forsøk)`,
              maybeReached,
              attempts,
            };
          }
          const retryAfter = parseRetryAfter(headerValue(response.headers['retry-after']), now());
          const shared = status === 429 || retryAfter !== undefined;
          const delay = Math.min(retryAfter ?? backoffDelay(countedAttempts, backoff), maxRetryAfterMs);
          await pause(countedAttempts, reply.reason, delay, shared, signal);
          continue;
        }
      }
    }
  }

  /** Waits before a retry; `shared` pauses every worker at the gate, not only this one. */
  async function pause(
    attempt: number,
    reason: string,
    delayMs: number,
    shared: boolean,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    // The gate closes before anyone hears of the retry, so no worker slips through in between.
    if (shared) gate.pauseUntil(now() + delayMs);
    onRetry?.({ attempt, reason, delayMs });
    if (shared) return;
    if (delayMs > 0) await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
  }

  return {
    send,
    close: () => http.close(),
  };
}

/** Exactly the documented fields, whatever else the caller's object carries. */
function requestBody(request: LeasingtakerRequest): string {
  const id = request.leasingtakerId;
  return JSON.stringify({
    handling: request.handling,
    kjennemerke: request.kjennemerke,
    leasingtakerId:
      'fodselsnummer' in id
        ? { fodselsnummer: id.fodselsnummer }
        : { organisasjonsnummer: id.organisasjonsnummer },
    etternavn: request.etternavn,
  });
}

function parseBody(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
