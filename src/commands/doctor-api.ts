// `doctor`'s probe of the Leasingtaker-API: one request the API refuses without touching the register.

import { createApiHttp } from '../api/http.ts';
import { describeBytes, ReplyTooLargeError } from '../api/reply-limit.ts';
import type { RunConfig } from '../config.ts';
import type { Check } from './doctor-check.ts';

/**
 * POSTs an empty JSON object: the API refuses it with 400 without touching the register, which shows that it
 * is there, at that address, and took the token. No row is ever sent.
 */
export async function probeApi(config: RunConfig, token: string | undefined): Promise<Check> {
  // The client's own HTTP layer, so that the probe goes out as a row would; a shorter wait, one connection.
  const http = createApiHttp(config.api.apiUrl, {
    maxSockets: 1,
    timeoutMs: Math.min(config.api.timeoutMs, 15_000),
  });
  const { url } = http;
  let status: number;
  let body: string;
  let challenge: string | undefined;
  try {
    const response = await http.post('{}', token === undefined ? {} : { token });
    status = response.statusCode;
    body = response.body.slice(0, 2000);
    const header = response.headers['www-authenticate'];
    challenge = Array.isArray(header) ? header[0] : header;
  } catch (error) {
    if (error instanceof ReplyTooLargeError) {
      return {
        verdict: 'fail',
        text: `${url} answered with a reply larger than ${describeBytes(error.limitBytes)}: that is not the Leasingtaker-API. Check LEASINGTAKER_API_URL, and any proxy between here and the API.`,
      };
    }
    // Only the code: got's errors carry the request options, and with them the token.
    const code = (error as { code?: unknown }).code;
    return {
      verdict: 'fail',
      text: `${url} did not answer (${typeof code === 'string' ? code : 'unknown error'}). Check LEASINGTAKER_API_URL, and the network, proxy or firewall between here and the API.`,
    };
  } finally {
    http.close();
  }

  if (token === undefined) {
    if (status === 401 || status === 403) {
      return {
        verdict: 'skip',
        text: `${url} answers (HTTP ${status} without a token); access not checked.`,
      };
    }
  } else if (status === 400 || status === 422) {
    return {
      verdict: 'pass',
      text: `${url} answered HTTP ${status} to an empty request, as it should: reachable, and the token was accepted.`,
    };
  } else if (status === 401 || status === 403) {
    return {
      verdict: 'fail',
      text: `${url} refused the token (HTTP ${status}${reason(body, challenge)}). Check MASKINPORTEN_SCOPE and MASKINPORTEN_RESOURCE, and that Statens vegvesen has given the organisation access to the API.`,
    };
  }
  if (status === 404 || status === 405) {
    return {
      verdict: 'fail',
      text: `${url} answered HTTP ${status}: the Leasingtaker-API is not at that address. Check LEASINGTAKER_API_URL (scheme and host only; the path is added).`,
    };
  }
  if (status === 429) {
    return { verdict: 'note', text: `${url} is there but asks us to slow down (HTTP 429); try again later.` };
  }
  if (status >= 500) {
    return {
      verdict: 'fail',
      text: `${url} answered HTTP ${status}: the API or a gateway before it has trouble. Try again later; if it lasts, ask Statens vegvesen.`,
    };
  }
  return {
    verdict: 'fail',
    text: `${url} answered HTTP ${status} to an empty request, which the Leasingtaker-API would refuse with 400. Check LEASINGTAKER_API_URL.`,
  };
}

/** The server's own words about a refusal: an OAuth error and its description, never anything of ours. */
function reason(body: string, challenge: string | undefined): string {
  let error: unknown;
  let description: unknown;
  try {
    ({ error, error_description: description } = JSON.parse(body) as Record<string, unknown>);
  } catch {}
  if (typeof error !== 'string' && challenge) {
    error = /error="([^"]*)"/.exec(challenge)?.[1];
    description = /error_description="([^"]*)"/.exec(challenge)?.[1];
  }
  if (typeof error !== 'string') return '';
  return `: ${error.slice(0, 100)}${typeof description === 'string' ? `, ${description.slice(0, 200)}` : ''}`;
}
