// A failed attempt read as the client acts on it: may it be retried, may it have reached the API, and what the
// report says about it. Pure: only the error's code, name and timings are read.

import { describeBytes, ReplyTooLargeError } from './reply-limit.ts';

/** Errors that happen before a connection exists: the request cannot have reached the API. */
const BEFORE_CONNECT: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
const RETRY_CODES: ReadonlySet<string> = new Set([
  ...BEFORE_CONNECT,
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_READING_RESPONSE_STREAM',
]);

export interface NetworkProblem {
  readonly code: string;
  readonly retry: boolean;
  readonly mayHaveReached: boolean;
  readonly message: (attempts: number) => string;
}

/**
 * Reads a failed attempt from its code and timings only. got's errors carry the request options (the token in
 * a header, the fødselsnummer in the body) and their messages may hold the URL: none of that is passed on.
 */
export function describeNetworkError(error: unknown): NetworkProblem {
  if (error instanceof ReplyTooLargeError) {
    // A reply came, so the request arrived and may have been carried out; retried like a 5xx from a gateway.
    return {
      code: error.code,
      retry: true,
      mayHaveReached: true,
      message: (attempts) =>
        `Svaret fra Leasingtaker-API-et var større enn ${describeBytes(error.limitBytes)} og ble ikke lest (${attempts} forsøk)`,
    };
  }
  const fields = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    timings?: { upload?: number };
  };
  let code = typeof fields.code === 'string' ? fields.code : 'ERR_UNKNOWN';
  if (
    code === 'ERR_GOT_REQUEST_ERROR' &&
    typeof fields.message === 'string' &&
    /socket hang up/i.test(fields.message)
  ) {
    code = 'ECONNRESET';
  }
  const timedOut = fields.name === 'TimeoutError';
  // `upload` is set once the whole request was handed to the socket; without it the API cannot have a complete
  // request. A reset of a reused keep-alive socket after sending counts as "may have reached": we can't tell.
  const mayHaveReached =
    !BEFORE_CONNECT.has(code) && (fields.timings === undefined || fields.timings.upload !== undefined);
  return {
    code,
    retry: timedOut || RETRY_CODES.has(code),
    mayHaveReached,
    message: (attempts) =>
      timedOut
        ? `Fikk ikke helt svar fra Leasingtaker-API-et innen tidsfristen (${code}, ${attempts} forsøk)`
        : `Nettverksfeil mot Leasingtaker-API-et (${code}, ${attempts} forsøk)`,
  };
}
