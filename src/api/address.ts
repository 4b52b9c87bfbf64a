// The Leasingtaker-API's address: the one rule the configuration (which lists it with the other problems),
// the client and `doctor` follow. Kept apart from http.ts so that reading the configuration does not load got.

import { isLoopbackHost } from './loopback.ts';

export const API_PATH = '/ws/no/vegvesen/kjoretoy/felles/innmelding/leasingtaker';

/** The API address is unusable; thrown at creation, before anything is sent. */
export class ApiConfigError extends Error {
  override readonly name = 'ApiConfigError';
}

/**
 * What is wrong with `LEASINGTAKER_API_URL` (scheme and host, perhaps a path before ours), or undefined when
 * nothing is. https only, plain http on loopback (the simulator): tokens and fødselsnummer must not cross a
 * network unencrypted. No query or fragment: the API's path is added after the address's.
 */
export function apiUrlProblem(apiUrl: string): string | undefined {
  if (!URL.canParse(apiUrl))
    return 'LEASINGTAKER_API_URL must be an absolute URL such as https://www.vegvesen.no.';
  const url = new URL(apiUrl);
  const plainOnLoopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !plainOnLoopback) {
    return 'LEASINGTAKER_API_URL must use https: tokens and fødselsnummer are not sent unencrypted (plain http only for 127.0.0.1, localhost or [::1]).';
  }
  if (url.search !== '' || url.hash !== '') return 'LEASINGTAKER_API_URL must not have a query or fragment.';
  return undefined;
}

/** The URL requests go to: the address, without a trailing slash, and the API's path. */
export function apiEndpoint(apiUrl: string): string {
  const problem = apiUrlProblem(apiUrl);
  if (problem !== undefined) throw new ApiConfigError(problem);
  const url = new URL(apiUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${API_PATH}`;
}
