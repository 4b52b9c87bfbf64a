import { Pushgateway, type Registry } from 'prom-client';

import { PUSH_JOB, PUSH_TIMEOUT_MS } from './settings.ts';

/**
 * Replaces the installation's group on the Pushgateway with the registry's figures (HTTP PUT): the group then
 * holds exactly the last run, with nothing left over from an earlier one. Rejects when the push fails or takes
 * longer than `timeoutMs`.
 */
export async function pushToGateway(
  registry: Registry,
  target: { readonly url: string; readonly instance?: string },
  timeoutMs: number = PUSH_TIMEOUT_MS,
): Promise<void> {
  const gateway = new Pushgateway(
    target.url,
    {
      // `timeout` ends a connection that goes quiet; the signal bounds the whole push, however it dawdles.
      timeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      // A fresh connection, closed after the reply: nothing kept alive holds the process open at its exit.
      agent: false,
    },
    registry,
  );
  await gateway.push({
    jobName: PUSH_JOB,
    ...(target.instance ? { groupings: { instance: target.instance } } : {}),
  });
}
