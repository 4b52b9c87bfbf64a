import { type Flags, settingReaders } from '../config.ts';
import { parseListenAddress } from '../metrics/settings.ts';

/** What `leasingtaker watch` adds to the run's settings; each is in the settings table (settings.ts). */
export interface WatchSettings {
  /** `SETTINGS.debounceMs`: a copy of several files, or of one large file, starts one run and not many. */
  readonly debounceMs: number;
  /** `SETTINGS.pollSeconds`: file-change events do not reach a container from SMB or NFS shares. */
  readonly pollSeconds: number;
  /** `SETTINGS.retryIntervalMinutes`. */
  readonly retryIntervalMinutes: number;
  /** `SETTINGS.graceSeconds`. */
  readonly graceSeconds: number;
  /** `SETTINGS.metricsListen`. */
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
    debounceMs: integer('debounceMs'),
    pollSeconds: integer('pollSeconds'),
    retryIntervalMinutes: integer('retryIntervalMinutes'),
    graceSeconds: integer('graceSeconds'),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
