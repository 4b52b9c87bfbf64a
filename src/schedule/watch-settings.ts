import { type Flags, settingReaders } from '../config.ts';
import { parseListenAddress } from '../metrics/settings.ts';

/** What `leasingtaker watch` adds to the run's settings; each read from its environment variable. */
export interface WatchSettings {
  /**
   * LEASINGTAKER_WATCH_DEBOUNCE_MS, default 5000: after the last change seen in the inbox, wait this long before
   * a run starts, so that a copy of several files, or of one large file, starts one run and not many.
   */
  readonly debounceMs: number;
  /**
   * LEASINGTAKER_WATCH_POLL_SECONDS, default 60: also look at the inbox this often. File-change events do not
   * reach a container from network shares (SMB, NFS) or from some overlay volumes; the look catches those.
   */
  readonly pollSeconds: number;
  /**
   * LEASINGTAKER_RETRY_INTERVAL_MINUTES, default 15: a run this often even when nothing arrives, for the
   * automatic retries of rows that failed technically.
   */
  readonly retryIntervalMinutes: number;
  /**
   * LEASINGTAKER_GRACE_SECONDS, default 25: after SIGTERM, how long the run in progress gets to finish its
   * requests in flight, record them and write its reports before the process exits anyway. Below
   * Kubernetes' default terminationGracePeriodSeconds (30), which ends in SIGKILL.
   */
  readonly graceSeconds: number;
  /**
   * LEASINGTAKER_METRICS_LISTEN, default none (off): `host:port` where `watch` serves Prometheus metrics on
   * /metrics, e.g. `0.0.0.0:9464` in a container, `127.0.0.1:9464` for a scraper on the same machine.
   */
  readonly metricsListen?: { readonly host: string; readonly port: number };
}

export type WatchSettingsResult =
  | { readonly ok: true; readonly config: WatchSettings }
  | { readonly ok: false; readonly problems: readonly string[] };

export function loadWatchSettings(
  env: Readonly<Record<string, string | undefined>>,
  flags: Flags = {},
): WatchSettingsResult {
  const problems: string[] = [];
  const { integer } = settingReaders(env, flags, problems);
  const listen = env.LEASINGTAKER_METRICS_LISTEN?.trim();
  const metricsListen = listen ? parseListenAddress(listen) : undefined;
  if (metricsListen && 'problem' in metricsListen) problems.push(metricsListen.problem);
  const config: WatchSettings = {
    ...(metricsListen && !('problem' in metricsListen) ? { metricsListen } : {}),
    debounceMs: integer('debounceMs', 'LEASINGTAKER_WATCH_DEBOUNCE_MS', 5000, 0, 3_600_000),
    pollSeconds: integer('pollSeconds', 'LEASINGTAKER_WATCH_POLL_SECONDS', 60, 1, 86_400),
    retryIntervalMinutes: integer('retryInterval', 'LEASINGTAKER_RETRY_INTERVAL_MINUTES', 15, 1, 10_080),
    graceSeconds: integer('grace', 'LEASINGTAKER_GRACE_SECONDS', 25, 1, 3600),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
