import { version } from '../version.ts';

/**
 * `leasingtaker-batch/<version>`, so that Statens vegvesen and Digdir can tell our traffic apart when they look
 * into a problem.
 */
export function userAgent(): string {
  return `leasingtaker-batch/${version}`;
}
