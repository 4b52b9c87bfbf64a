import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import got from 'got';
import { type MetricsSettings, PUSH_JOB, PUSH_TIMEOUT_MS } from './settings.ts';

export interface MetricsCheck {
  readonly verdict: 'pass' | 'fail' | 'skip';
  readonly text: string;
}

/**
 * For `doctor`: whether the metrics can go where the settings send them. The Pushgateway answers its readiness
 * check (`/-/ready`), and the textfile's folder takes a file (a real write, under a name the collector skips).
 * Runs treat a failed push as a warning; an installation check says plainly that the alerts see nothing.
 */
export async function checkMetrics(settings: MetricsSettings): Promise<MetricsCheck[]> {
  const checks: MetricsCheck[] = [];
  if (settings.pushgatewayUrl) {
    const group = `${settings.pushgatewayUrl}/metrics/job/${PUSH_JOB}${settings.instance ? `/instance/${settings.instance}` : ''}`;
    try {
      // got, like the push (node:http), rather than fetch, which refuses some ports outright.
      const response = await got(`${settings.pushgatewayUrl}/-/ready`, {
        timeout: { request: PUSH_TIMEOUT_MS },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
      });
      checks.push(
        response.ok
          ? { verdict: 'pass', text: `Pushgateway ${settings.pushgatewayUrl}: ready; runs push to ${group}.` }
          : {
              verdict: 'fail',
              text: `Pushgateway ${settings.pushgatewayUrl}: /-/ready answered HTTP ${response.statusCode}. Check LEASINGTAKER_PUSHGATEWAY_URL; runs only warn when their push fails.`,
            },
      );
    } catch (error) {
      checks.push({
        verdict: 'fail',
        text: `Pushgateway ${settings.pushgatewayUrl}: no answer (${reason(error)}). Check LEASINGTAKER_PUSHGATEWAY_URL and the network; runs only warn when their push fails.`,
      });
    }
  }
  if (settings.file) {
    const folder = dirname(settings.file);
    const probe = `${settings.file}.${randomBytes(4).toString('hex')}.doctor`;
    try {
      await writeFile(probe, '');
      checks.push({ verdict: 'pass', text: `Metrics file ${settings.file}: its folder is writable.` });
    } catch (error) {
      checks.push({
        verdict: 'fail',
        text: `Metrics file ${settings.file} (LEASINGTAKER_METRICS_FILE): cannot write in ${folder} (${reason(error)}).`,
      });
    } finally {
      await rm(probe, { force: true });
    }
  }
  if (checks.length === 0) {
    checks.push({
      verdict: 'skip',
      text: 'Metrics: none set (LEASINGTAKER_PUSHGATEWAY_URL, LEASINGTAKER_METRICS_FILE; watch: LEASINGTAKER_METRICS_LISTEN).',
    });
  }
  return checks;
}

function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${PUSH_TIMEOUT_MS / 1000} s`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
