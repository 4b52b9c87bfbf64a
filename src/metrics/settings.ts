import { resolve } from 'node:path';

/** The job label of every push: `<url>/metrics/job/leasingtaker[/instance/<instance>]`. */
export const PUSH_JOB = 'leasingtaker';

/** A push that takes longer is given up: it must never hold up the exit a scheduler waits for. */
export const PUSH_TIMEOUT_MS = 5_000;

/** Where a run's figures go; every one off unless set. Each is in the settings table (settings.ts). */
export interface MetricsSettings {
  /** `SETTINGS.pushgatewayUrl` (`http://pushgateway:9091`), without a trailing slash; job `leasingtaker`. */
  readonly pushgatewayUrl?: string;
  /** `SETTINGS.instance`: the push's `instance` grouping label. */
  readonly instance?: string;
  /** `SETTINGS.metricsFile`, rewritten atomically after every run (cron, systemd timers). */
  readonly file?: string;
}

/** Reads the metrics settings; a problem names its variable and joins the configuration's list. */
export function readMetricsSettings(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): MetricsSettings {
  const url = env.LEASINGTAKER_PUSHGATEWAY_URL?.trim();
  const instance = env.LEASINGTAKER_INSTANCE?.trim();
  const file = env.LEASINGTAKER_METRICS_FILE?.trim();
  if (url) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push(
        `LEASINGTAKER_PUSHGATEWAY_URL must be an http(s) URL such as http://pushgateway:9091; it is "${url}".`,
      );
    } else if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
      problems.push('LEASINGTAKER_PUSHGATEWAY_URL must have no query, fragment or user name.');
    }
  }
  // A "/" would split the grouping key's path; the Pushgateway's base64 form is not worth it for a name.
  if (instance && !/^[\w.:-]{1,128}$/.test(instance)) {
    problems.push(
      `LEASINGTAKER_INSTANCE may hold letters, digits and . _ : - (at most 128); it is "${instance}".`,
    );
  }
  // node_exporter's textfile collector reads *.prom and nothing else: any other name would be silently unread.
  if (file && !file.endsWith('.prom')) {
    problems.push(
      `LEASINGTAKER_METRICS_FILE must end in .prom (node_exporter reads only those); it is "${file}".`,
    );
  }
  return {
    ...(url ? { pushgatewayUrl: url.replace(/\/+$/, '') } : {}),
    ...(instance ? { instance } : {}),
    ...(file ? { file: resolve(file) } : {}),
  };
}

/**
 * `LEASINGTAKER_METRICS_LISTEN`: `host:port`, `[::1]:port`, or `:port` for every address (host ''); port 0 takes
 * a free one.
 */
export function parseListenAddress(
  value: string,
): { readonly host: string; readonly port: number } | { readonly problem: string } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65_535) {
    return {
      problem: `LEASINGTAKER_METRICS_LISTEN must be host:port, such as 127.0.0.1:9464 or :9464; it is "${value}".`,
    };
  }
  return { host: match[1] ?? match[2] ?? '', port };
}
