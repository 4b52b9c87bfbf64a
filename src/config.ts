import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiUrlProblem } from './api/address.ts';
import { type AlreadySoCodes, DEFAULT_ALREADY_SO_CODES, parseAlreadySoCodes } from './api/already-so.ts';
import { type Owner, ownerFromLabel } from './domain/owner.ts';
import { ownerFolder } from './inbox/owner-folder.ts';
import { type MaskinportenSettings, resolveMaskinportenSettings } from './maskinporten/settings.ts';
import { type MetricsSettings, readMetricsSettings } from './metrics/settings.ts';
import type { ApiAccess } from './sending/api-sender.ts';
import {
  DELEGATED_SCOPE_SUFFIX,
  type IntegerSetting,
  SETTINGS,
  type SettingKey,
  type TextSetting,
} from './settings.ts';

/** What a run is told by its configuration (read below from the environment and flags). */
export interface RunSettings {
  /** `SETTINGS.inbox` (settings.ts, the one table of settings); sub-folders named by orgnr for delegated owners. */
  readonly inbox: string;
  /** `SETTINGS.reports`. */
  readonly reports: string;
  /** `SETTINGS.state`. */
  readonly state: string;
  /** `SETTINGS.archive`. */
  readonly archive: string;
  /** `SETTINGS.concurrency`, shared by all fleet owners. */
  readonly concurrency: number;
  /** `SETTINGS.maxRps`. */
  readonly maxRps?: number;
  /** `SETTINGS.maxRuns`. */
  readonly maxRuns: number;
  /** `SETTINGS.settleMs` (size and modification time unchanged). */
  readonly settleMs: number;
  /** `SETTINGS.sheet`. */
  readonly sheet?: string;
  /** `SETTINGS.ownerWeights`; 1 each when not listed. */
  readonly ownerWeights?: ReadonlyMap<Owner, number>;
  /** `SETTINGS.retentionDays` (inbox/retention.ts). */
  readonly retentionDays?: number;
}

/**
 * Everything `run` needs, read from the environment (and an optional `.env` file), flags overriding. Each
 * setting's variable, flag, default, range and meaning are in the one table, `SETTINGS` (settings.ts).
 */
export interface RunConfig extends RunSettings {
  /** `SETTINGS.retentionDays`. */
  readonly retentionDays: number;
  /** `SETTINGS.logLevel`. */
  readonly logLevel: string;
  readonly api: ApiAccess;
  /** `SETTINGS.pushgatewayUrl`, `.instance`, `.metricsFile`. */
  readonly metrics: MetricsSettings;
}

/**
 * Values that override the environment, by the setting's key in `SETTINGS`: the command-line flags (commander
 * names them so: `--max-rps` is `maxRps`), or a caller's own (`demo` sets its folders).
 */
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

type KeyOf<Kind> = { [K in SettingKey]: (typeof SETTINGS)[K] extends Kind ? K : never }[SettingKey];
/** A setting's value: always there when the table gives a default, else perhaps not. */
type ValueOf<K extends SettingKey, T> = (typeof SETTINGS)[K] extends { readonly default: T }
  ? T
  : T | undefined;

/**
 * Readers of the settings the table describes fully: the flag if given, else the variable, else the table's
 * default. A value out of range, or not among the choices, adds a problem naming the variable and gives the
 * default, so that every problem is listed at once.
 */
export function settingReaders(
  env: Readonly<Record<string, string | undefined>>,
  flags: Flags,
  problems: string[],
): {
  text: <K extends KeyOf<TextSetting>>(key: K) => ValueOf<K, string>;
  integer: <K extends KeyOf<IntegerSetting>>(key: K) => ValueOf<K, number>;
} {
  const given = (key: SettingKey): string | number | boolean | undefined => {
    const value = flags[key] ?? env[SETTINGS[key].env];
    return value === '' ? undefined : value;
  };
  return {
    text<K extends KeyOf<TextSetting>>(key: K) {
      const setting: TextSetting = SETTINGS[key];
      const raw = given(key);
      if (raw === undefined) return setting.default as ValueOf<K, string>;
      const value = String(raw);
      if (setting.choices && !setting.choices.includes(value)) {
        problems.push(`${setting.env} must be one of ${setting.choices.join(', ')}; it is "${value}".`);
        return setting.default as ValueOf<K, string>;
      }
      return value;
    },
    integer<K extends KeyOf<IntegerSetting>>(key: K) {
      const setting: IntegerSetting = SETTINGS[key];
      const raw = given(key);
      if (raw === undefined) return setting.default as ValueOf<K, number>;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
        problems.push(
          `${setting.env} must be a whole number from ${setting.min} to ${setting.max}; it is "${raw}".`,
        );
        return setting.default as ValueOf<K, number>;
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
    (environment && environment !== 'custom' ? SETTINGS.apiUrl.default[environment] : '');
  const apiUrlWrong = apiUrl ? apiUrlProblem(apiUrl) : undefined;
  if (apiUrlWrong) problems.push(apiUrlWrong);
  else if (!apiUrl && environment === 'custom') {
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
  const maxRps = integer('maxRps');
  const sheet = text('sheet');
  const config = {
    inbox: resolve(text('inbox')),
    reports: resolve(text('reports')),
    state: resolve(text('state')),
    archive: resolve(text('archive')),
    concurrency: integer('concurrency'),
    ...(maxRps ? { maxRps } : {}),
    maxRuns: integer('maxRuns'),
    settleMs: integer('settleMs'),
    retentionDays: integer('retentionDays'),
    logLevel: text('logLevel'),
    ownerWeights,
    metrics: readMetricsSettings(env, problems),
    ...(sheet === undefined ? {} : { sheet }),
  };
  const timeoutSeconds = integer('timeoutSeconds');
  const maxAttempts = integer('maxAttempts');
  const breakerThreshold = integer('breakerThreshold');

  if (problems.length > 0 || !maskinporten.ok) return { ok: false, problems };
  const settings: MaskinportenSettings = maskinporten.settings;
  return {
    ok: true,
    config: {
      ...config,
      api: {
        apiUrl,
        maskinporten: settings,
        delegatedScope:
          env.MASKINPORTEN_DELEGATED_SCOPE?.trim() || `${settings.scope}${DELEGATED_SCOPE_SUFFIX}`,
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
 * `LEASINGTAKER_OWNER_WEIGHTS`: `912345688=3,own=1` gives fleet owner 912345688 three request slots per turn for
 * each one of the installation's own files. Owners not listed get 1.
 */
function parseOwnerWeights(value: string, problems: string[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const pair of value.split(/[\s,]+/).filter((entry) => entry !== '')) {
    const match = /^(own|\d{9})=(\d{1,3})$/.exec(pair);
    const weight = Number(match?.[2]);
    const label = match?.[1] ?? '';
    if (!match || weight < 1) {
      problems.push(
        `LEASINGTAKER_OWNER_WEIGHTS: "${pair}" is not ORGNR=WEIGHT or own=WEIGHT (a whole number from 1 to 999).`,
      );
      continue;
    }
    // The owner folders' rule: a weight for a name the inbox never takes would silently weigh nothing.
    const folder = label === 'own' ? undefined : ownerFolder(label);
    if (folder && !folder.ok) {
      // Nine digits reach here, so only the control digit can be wrong; the setting names no folder itself.
      problems.push(
        `LEASINGTAKER_OWNER_WEIGHTS: "${pair}": ${label} is not an organisasjonsnummer (its control digit is wrong), so no owner folder is named so.`,
      );
      continue;
    }
    const owner = ownerFromLabel(label);
    if (weights.has(owner)) {
      problems.push(`LEASINGTAKER_OWNER_WEIGHTS: ${label} is given a weight twice; give each owner one.`);
      continue;
    }
    weights.set(owner, weight);
  }
  return weights;
}
