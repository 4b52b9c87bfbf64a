// The one way this job talks HTTP to the Leasingtaker-API: got's options and agents, on the address address.ts
// makes, used by the client (every row) and by `doctor` (its probe), so that what doctor checks is what `run`
// sends with.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Response } from 'got';
import { apiEndpoint } from './address.ts';
import { withReplyLimit } from './reply-limit.ts';
import { userAgent as defaultUserAgent } from './user-agent.ts';

export interface ApiHttpOptions {
  /** Connections kept open per host; at least the number of concurrent workers. */
  readonly maxSockets: number;
  /** Time for one request, from sending to the whole reply, in ms (got has no timeout by default). */
  readonly timeoutMs: number;
  /** Default `leasingtaker-batch/<version>`. */
  readonly userAgent?: string;
}

export interface ApiHttp {
  /** The endpoint every request goes to. */
  readonly url: string;
  /**
   * POSTs `body` (JSON) with the token, if any. Resolves with any status (a 4xx or 5xx is a reply, not an
   * error); rejects on a network error, a timeout, an abort, or a reply over the size limit.
   */
  post(
    body: string,
    options?: { readonly token?: string; readonly signal?: AbortSignal },
  ): Promise<Response<string>>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * A got instance on keep-alive agents of its own, built once, so that a request adds only what differs: body,
 * token, signal. Throws ApiConfigError for an address `apiUrlProblem` refuses.
 */
export function createApiHttp(apiUrl: string, options: ApiHttpOptions): ApiHttp {
  const url = apiEndpoint(apiUrl);
  const { maxSockets } = options;
  // Our own agents: keep-alive saves a TCP and TLS handshake per request, and a client of our own can be closed.
  const agent = {
    http: new HttpAgent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
  };
  const http = got.extend({
    method: 'POST',
    agent,
    headers: {
      'user-agent': options.userAgent ?? defaultUserAgent(),
      'content-type': 'application/json',
      accept: 'application/json',
      // Uncompressed: the reply limit (withReplyLimit) counts bytes as got unpacks them, and got stops reporting
      // them for a compressed reply once it passes its Content-Length. The replies are a few hundred bytes.
      'accept-encoding': 'identity',
    },
    timeout: { request: options.timeoutMs },
    // Retries are ours, not got's: got does not retry POST by default (it is not idempotent), its per-request
    // backoff cannot pause the other workers on a 429, and a Retry-After above its maxRetryAfter cancels the
    // retry altogether. Our loop also needs to know whether an earlier attempt may have reached the API.
    retry: { limit: 0 },
    throwHttpErrors: false,
    // A redirect of a POST is not something this API does; keep it as a failure with its status.
    followRedirect: false,
    responseType: 'text',
  });
  return {
    url,
    post(body, { token, signal } = {}) {
      return withReplyLimit(
        http(url, {
          body,
          ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
          ...(signal === undefined ? {} : { signal }),
        }),
      );
    },
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}
