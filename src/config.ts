import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AlreadySoCodes, DEFAULT_ALREADY_SO_CODES, parseAlreadySoCodes } from './api/already-so.ts';
import { isLoopbackHost } from './api/loopback.ts';
import { ownerFromLabel } from './domain/owner.ts';
import type { RunSettings } from './job/run-settings.ts';
import { type MaskinportenSettings, resolveMaskinportenSettings } from './maskinporten/settings.ts';
import { type MetricsSettings, readMetricsSettings } from './metrics/settings.ts';
import type { ApiAccess } from './sending/api-sender.ts';

/**
 * Everything `run` needs, read from the environment (and an optional `.env` file), flags overriding. The folders
 * and pool settings are documented where they are declared, in `RunSettings`.
 */
export interface RunConfig extends RunSettings {
  /** LEASINGTAKER_RETENTION_DAYS, default 90: reports, archived files and ledger personal data older than this are removed. */
  readonly retentionDays: number;
  /** LOG_LEVEL, default `info`. */
  readonly logLevel: string;
  readonly api: ApiAccess;
  /** LEASINGTAKER_PUSHGATEWAY_URL, LEASINGTAKER_INSTANCE, LEASINGTAKER_METRICS_FILE: see `MetricsSettings`. */
  readonly metrics: MetricsSettings;
}

export const DEFAULT_API_URL: Readonly<Record<'test' | 'prod', string>> = {
  // Guesses from Statens vegvesen's eCoC API, which lives under the same path (see ARCHITECTURE.md).
  test: 'https://synt.utv.vegvesen.no',
  prod: 'https://www.vegvesen.no',
};

export type Flags = Readonly<Record<string, string | number | boolean | undefined>>;

export type ConfigResult =
  | { readonly ok: true; readonly config: RunConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Loads `.env` from the working directory (or `envFile`) into `process.env` without overriding variables that are
 * already set, so the environment of a container or a cron job wins over the file.
 */
export function loadEnvFile(envFile?: string): void {
  const path = resolve(envFile ?? '.env');
  if (!existsSync(path)) {
    if (envFile) throw new Error(`The env file ${path} does not exist.`);
    return;
  }
  process.loadEnvFile(path);
}

/**
 * Readers of one setting each: the flag if given, else the variable, else the default. A value out of range
 * adds a problem (naming the variable) and gives the default, so that every problem is listed at once.
 */
export function settingReaders(
  env: Readonly<Record<string, string | undefined>>,
  flags: Flags,
  problems: string[],
): {
  text: (flag: string, name: string, fallback: string) => string;
  integer: (flag: string, name: string, fallback: number, min: number, max: number) => number;
} {
  return {
    text(flag, name, fallback) {
      const value = flags[flag] ?? env[name];
      return value === undefined || value === '' ? fallback : String(value);
    },
    integer(flag, name, fallback, min, max) {
      const raw = flags[flag] ?? env[name];
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
        return fallback;
      }
      return value;
    },
  };
}

/** Reads every setting, and lists every problem at once rather than stopping at the first. */
export function loadRunConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: Flags = {},
): ConfigResult {
  const problems: string[] = [];
  const { text, integer } = settingReaders(env, flags, problems);

  const maskinporten = resolveMaskinportenSettings(env);
  if (!maskinporten.ok) problems.push(...maskinporten.problems);

  const environment = maskinporten.ok ? maskinporten.settings.environment : undefined;
  const apiUrl =
    env.LEASINGTAKER_API_URL?.trim() ||
    (environment && environment !== 'custom' ? DEFAULT_API_URL[environment] : '');
  if (apiUrl) problems.push(...apiUrlProblems(apiUrl));
  else if (environment === 'custom') {
    problems.push(
      'Set LEASINGTAKER_API_URL: with a custom MASKINPORTEN_ISSUER there is no default API address.',
    );
  }

  let alreadySoCodes: AlreadySoCodes = DEFAULT_ALREADY_SO_CODES;
  if (env.LEASINGTAKER_ALREADY_SO_CODES?.trim()) {
    const parsed = parseAlreadySoCodes(env.LEASINGTAKER_ALREADY_SO_CODES);
    if (parsed.ok) alreadySoCodes = parsed.value;
    else problems.push(parsed.reason);
  }

  const ownerWeights = parseOwnerWeights(env.LEASINGTAKER_OWNER_WEIGHTS ?? '', problems);
  const maxRps = integer('maxRps', 'LEASINGTAKER_MAX_RPS', 0, 0, 10_000);
  const config = {
    inbox: resolve(text('inbox', 'LEASINGTAKER_INBOX', './inbox')),
    reports: resolve(text('reports', 'LEASINGTAKER_REPORTS', './reports')),
    state: resolve(text('state', 'LEASINGTAKER_STATE', './state')),
    archive: resolve(text('archive', 'LEASINGTAKER_ARCHIVE', './archive')),
    concurrency: integer('concurrency', 'LEASINGTAKER_CONCURRENCY', 4, 1, 256),
    ...(maxRps > 0 ? { maxRps } : {}),
    maxRuns: integer('maxRuns', 'LEASINGTAKER_MAX_RUNS', 5, 1, 1000),
    settleMs: integer('settleMs', 'LEASINGTAKER_SETTLE_MS', 1000, 0, 600_000),
    retentionDays: integer('retentionDays', 'LEASINGTAKER_RETENTION_DAYS', 90, 1, 36_500),
    logLevel: text('logLevel', 'LOG_LEVEL', 'info'),
    ownerWeights,
    metrics: readMetricsSettings(env, problems),
    ...(typeof flags.sheet === 'string' ? { sheet: flags.sheet } : {}),
  };
  const timeoutSeconds = integer('timeout', 'LEASINGTAKER_TIMEOUT_SECONDS', 30, 1, 600);
  const maxAttempts = integer('maxAttempts', 'LEASINGTAKER_MAX_ATTEMPTS', 5, 1, 20);
  const breakerThreshold = integer('breakerThreshold', 'LEASINGTAKER_BREAKER_THRESHOLD', 20, 1, 100_000);
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(config.logLevel)) {
    problems.push(
      `LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent; it is "${config.logLevel}".`,
    );
  }

  if (problems.length > 0 || !maskinporten.ok) return { ok: false, problems };
  const settings: MaskinportenSettings = maskinporten.settings;
  return {
    ok: true,
    config: {
      ...config,
      api: {
        apiUrl,
        maskinporten: settings,
        delegatedScope: env.MASKINPORTEN_DELEGATED_SCOPE?.trim() || `${settings.scope}.delegert`,
        timeoutMs: timeoutSeconds * 1000,
        maxAttempts,
        concurrency: config.concurrency,
        breakerThreshold,
        alreadySoCodes,
      },
    },
  };
}

/**
 * `LEASINGTAKER_OWNER_WEIGHTS`: `912345678=3,own=1` gives fleet owner 912345678 three request slots per turn for
 * each one of the installation's own files. Owners not listed get 1.
 */
function parseOwnerWeights(value: string, problems: string[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const pair of value.split(/[\s,]+/).filter((entry) => entry !== '')) {
    const match = /^(own|\d{9})=(\d{1,3})$/.exec(pair);
    const weight = Number(match?.[2]);
    if (!match || weight < 1) {
      problems.push(
        `LEASINGTAKER_OWNER_WEIGHTS: "${pair}" is not ORGNR=WEIGHT or own=WEIGHT (a whole number from 1).`,
      );
      continue;
    }
    weights.set(ownerFromLabel(match[1] as string), weight);
  }
  return weights;
}

function apiUrlProblems(apiUrl: string): string[] {
  if (!URL.canParse(apiUrl))
    return [`LEASINGTAKER_API_URL must be an absolute URL such as https://www.vegvesen.no.`];
  const url = new URL(apiUrl);
  if (url.protocol === 'https:') return [];
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return [];
  return ['LEASINGTAKER_API_URL must use https (plain http only for 127.0.0.1, localhost or [::1]).'];
}
