// Every setting of the job, declared once: its environment variable, the flag that overrides it, its default,
// what it may be, and what it means. config.ts (and the parsers it calls) reads by it, cli.ts's --help names
// its flags and defaults from it, and the README's configuration table is printed from it
// (`npm run docs:settings`); test/settings.test.ts fails when the README and this table differ.
//
// A leaf module: plain data, no imports, so that `--help` and the configuration load nothing else with it. It
// is long because it is the whole table, one entry per setting, and a table is read by looking things up.

/** A value per Maskinporten environment (`MASKINPORTEN_ENV`). */
export interface PerEnvironment {
  readonly test: string;
  readonly prod: string;
}

interface Declared {
  /** The environment variable (also read from a `.env` file). */
  readonly env: string;
  /**
   * The flag of `run`, `watch` and `doctor` that overrides the variable, as commander spells it. Its name in
   * camelCase is the setting's key in `SETTINGS` (`--max-rps` is `maxRps`), which is how config.ts finds it.
   */
  readonly flag?: string;
  /** What it is for, as the README says it (markdown); `--help` shows it without the backticks. */
  readonly meaning: string;
  /** The default as the README shows it, where it is not a value: derived, per environment, or absent. */
  readonly shownDefault?: string;
}

export interface TextSetting extends Declared {
  readonly kind: 'text';
  readonly default?: string;
  /** The values allowed, when only some are. */
  readonly choices?: readonly string[];
}

export interface IntegerSetting extends Declared {
  readonly kind: 'integer';
  /** Absent: off unless set (0 turns it off too, when `min` is 0). */
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

export interface PerEnvironmentSetting extends Declared {
  readonly kind: 'per-environment';
  /** Used when the variable is not set, for Maskinporten's test or production environment. */
  readonly default: PerEnvironment;
}

export type Setting = TextSetting | IntegerSetting | PerEnvironmentSetting;

/** What a delegated scope adds to `MASKINPORTEN_SCOPE` when `MASKINPORTEN_DELEGATED_SCOPE` is not set. */
export const DELEGATED_SCOPE_SUFFIX = '.delegert';

/** In the README's order. Host names and the scope are guesses: Statens vegvesen has not published them. */
export const SETTINGS = {
  maskinportenEnv: {
    kind: 'text',
    env: 'MASKINPORTEN_ENV',
    shownDefault: '—',
    meaning: "`test` or `prod`: picks Maskinporten's issuer and the defaults below",
  },
  issuer: {
    kind: 'per-environment',
    env: 'MASKINPORTEN_ISSUER',
    default: { test: 'https://test.maskinporten.no/', prod: 'https://maskinporten.no/' },
    meaning:
      "overrides the issuer `MASKINPORTEN_ENV` picks, ending in `/` (the grant's `aud`; token endpoint `<issuer>token`)",
  },
  clientId: {
    kind: 'text',
    env: 'MASKINPORTEN_CLIENT_ID',
    shownDefault: '— (required)',
    meaning: 'your Maskinporten client (integration) id',
  },
  scope: {
    kind: 'text',
    env: 'MASKINPORTEN_SCOPE',
    // Follows Statens vegvesen's `svv:kjoretoy/<api>` pattern.
    default: 'svv:kjoretoy/leasingtaker',
    meaning: "the API's scope (name not public: check your client)",
  },
  delegatedScope: {
    kind: 'text',
    env: 'MASKINPORTEN_DELEGATED_SCOPE',
    shownDefault: `scope + \`${DELEGATED_SCOPE_SUFFIX}\``,
    meaning: 'scope used when acting for another fleet owner',
  },
  resource: {
    kind: 'per-environment',
    env: 'MASKINPORTEN_RESOURCE',
    // As Statens vegvesen asks for its other APIs (seen for eCoC); a custom issuer gets none.
    default: { test: 'https://www.utv.vegvesen.no', prod: 'https://www.vegvesen.no' },
    meaning: 'audience of the token, comma-separated; empty for none',
  },
  kid: {
    kind: 'text',
    env: 'MASKINPORTEN_KID',
    shownDefault: '—',
    meaning: 'key id registered on the client (with a key), or …',
  },
  certFile: {
    kind: 'text',
    env: 'MASKINPORTEN_CERT_FILE',
    shownDefault: '—',
    meaning: '… a PEM chain of your business certificate (virksomhetssertifikat), sent as `x5c`',
  },
  keyFile: {
    kind: 'text',
    env: 'MASKINPORTEN_KEY_FILE',
    shownDefault: '—',
    meaning: 'private key file: PKCS#8 PEM or JWK; must be readable by its owner only (`chmod 600`)',
  },
  key: {
    kind: 'text',
    env: 'MASKINPORTEN_KEY',
    shownDefault: '—',
    meaning: 'the private key itself (PEM or JWK), instead of a file',
  },
  consumerOrg: {
    kind: 'text',
    env: 'MASKINPORTEN_CONSUMER_ORG',
    shownDefault: '—',
    meaning: 'act for this fleet owner (delegation in Altinn) for the whole installation',
  },
  apiUrl: {
    kind: 'per-environment',
    env: 'LEASINGTAKER_API_URL',
    // Guesses from Statens vegvesen's eCoC API, which lives under the same path (see ARCHITECTURE.md).
    default: { test: 'https://synt.utv.vegvesen.no', prod: 'https://www.vegvesen.no' },
    meaning: 'scheme and host of the API (https; plain http only on 127.0.0.1, localhost or [::1])',
  },
  inbox: {
    kind: 'text',
    env: 'LEASINGTAKER_INBOX',
    flag: '--inbox <dir>',
    default: './inbox',
    meaning: 'folder where staff drop files',
  },
  reports: {
    kind: 'text',
    env: 'LEASINGTAKER_REPORTS',
    flag: '--reports <dir>',
    default: './reports',
    meaning: 'folder for result spreadsheets, summaries, retry files',
  },
  state: {
    kind: 'text',
    env: 'LEASINGTAKER_STATE',
    flag: '--state <dir>',
    default: './state',
    meaning: 'folder for the ledger and the run lock: keep it',
  },
  archive: {
    kind: 'text',
    env: 'LEASINGTAKER_ARCHIVE',
    flag: '--archive <dir>',
    default: './archive',
    meaning: 'folder processed input files are moved to',
  },
  sheet: {
    kind: 'text',
    env: 'LEASINGTAKER_SHEET',
    flag: '--sheet <name>',
    shownDefault: 'the first visible sheet with a header row',
    meaning: 'worksheet to read in Excel files',
  },
  concurrency: {
    kind: 'integer',
    env: 'LEASINGTAKER_CONCURRENCY',
    flag: '--concurrency <n>',
    default: 4,
    min: 1,
    max: 256,
    meaning: 'requests in flight',
  },
  ownerWeights: {
    kind: 'text',
    env: 'LEASINGTAKER_OWNER_WEIGHTS',
    meaning:
      'request slots per turn for fleet owners, e.g. `912345688=3,own=1` (see "Acting for several fleet owners")',
  },
  maxRps: {
    kind: 'integer',
    env: 'LEASINGTAKER_MAX_RPS',
    flag: '--max-rps <n>',
    min: 0,
    max: 10_000,
    meaning: 'at most this many requests a second, 0 for no limit',
  },
  maxRuns: {
    kind: 'integer',
    env: 'LEASINGTAKER_MAX_RUNS',
    default: 5,
    min: 1,
    max: 1000,
    meaning: 'runs that retry a technically failed row before leaving it for a person',
  },
  maxAttempts: {
    kind: 'integer',
    env: 'LEASINGTAKER_MAX_ATTEMPTS',
    default: 5,
    min: 1,
    max: 20,
    meaning: 'attempts per request on network errors, 429 and 502/503/504',
  },
  timeoutSeconds: {
    kind: 'integer',
    env: 'LEASINGTAKER_TIMEOUT_SECONDS',
    default: 30,
    min: 1,
    max: 600,
    meaning: 'time for one request',
  },
  breakerThreshold: {
    kind: 'integer',
    env: 'LEASINGTAKER_BREAKER_THRESHOLD',
    default: 20,
    min: 1,
    max: 100_000,
    meaning: 'failed attempts in a row that stop the run',
  },
  alreadySoCodes: {
    kind: 'text',
    env: 'LEASINGTAKER_ALREADY_SO_CODES',
    // The simulator's codes: the real API's are not public, so these are a guess until seen.
    default: 'OPPRETTE=LEASINGTAKER_ER_ALLEREDE_REGISTRERT AVSLUTTE=INGEN_AKTIV_LEASINGTAKER',
    meaning:
      'merknad codes meaning "already so": when a request that may have gone through before is stopped with one of them, the row is ok',
  },
  settleMs: {
    kind: 'integer',
    env: 'LEASINGTAKER_SETTLE_MS',
    default: 1000,
    min: 0,
    max: 600_000,
    meaning:
      'a file must keep its size this long to be taken (a file still written after that is caught later: "Files still being written")',
  },
  retentionDays: {
    kind: 'integer',
    env: 'LEASINGTAKER_RETENTION_DAYS',
    default: 90,
    min: 1,
    max: 36_500,
    meaning:
      'reports, archived inputs and the ledger\'s personal data older than this are removed at the start of each run (see "Retention")',
  },
  debounceMs: {
    kind: 'integer',
    env: 'LEASINGTAKER_WATCH_DEBOUNCE_MS',
    default: 5000,
    min: 0,
    max: 3_600_000,
    meaning: '`watch`: quiet time after files arrive before a run starts',
  },
  pollSeconds: {
    kind: 'integer',
    env: 'LEASINGTAKER_WATCH_POLL_SECONDS',
    default: 60,
    min: 1,
    max: 86_400,
    meaning: '`watch`: also look at the inbox this often (file events do not cross SMB/NFS shares)',
  },
  retryIntervalMinutes: {
    kind: 'integer',
    env: 'LEASINGTAKER_RETRY_INTERVAL_MINUTES',
    default: 15,
    min: 1,
    max: 10_080,
    meaning: '`watch`: a run this long after the last one, for the automatic retries',
  },
  graceSeconds: {
    kind: 'integer',
    env: 'LEASINGTAKER_GRACE_SECONDS',
    // Below Kubernetes' default terminationGracePeriodSeconds (30), which ends in SIGKILL.
    default: 25,
    min: 1,
    max: 3600,
    meaning: '`watch`: after SIGTERM, time for the run in progress to finish before the process exits anyway',
  },
  pushgatewayUrl: {
    kind: 'text',
    env: 'LEASINGTAKER_PUSHGATEWAY_URL',
    meaning: 'a Prometheus Pushgateway every run pushes its figures to, failed runs too (see "Operations")',
  },
  instance: {
    kind: 'text',
    env: 'LEASINGTAKER_INSTANCE',
    meaning:
      "the push's `instance` label: one per installation sharing a Pushgateway (letters, digits, `._:-`)",
  },
  metricsFile: {
    kind: 'text',
    env: 'LEASINGTAKER_METRICS_FILE',
    meaning: "a `.prom` file for node_exporter's textfile collector, rewritten after every run",
  },
  metricsListen: {
    kind: 'text',
    env: 'LEASINGTAKER_METRICS_LISTEN',
    shownDefault: 'none (off)',
    meaning: '`watch`: serve Prometheus metrics on `host:port` at `/metrics`, e.g. `0.0.0.0:9464`',
  },
  logLevel: {
    kind: 'text',
    env: 'LOG_LEVEL',
    default: 'info',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    meaning: 'how much is logged: `debug`, `info`, `warn`, `error`',
  },
  timeZone: {
    kind: 'text',
    env: 'TZ',
    shownDefault: "the machine's",
    meaning:
      'time zone of `history` and of the times in file names, e.g. `Europe/Oslo` (log lines are always UTC)',
  },
} as const satisfies Readonly<Record<string, Setting>>;

export type SettingKey = keyof typeof SETTINGS;

/** The default as the README shows it (markdown): the value, both environments' values, or what it is instead. */
export function describeDefault(setting: Setting): string {
  if (setting.shownDefault !== undefined) return setting.shownDefault;
  if (setting.kind === 'per-environment') {
    return `test \`${setting.default.test}\`, prod \`${setting.default.prod}\``;
  }
  return setting.default === undefined ? 'none' : `\`${setting.default}\``;
}

/** `1–256` for a whole number, or undefined for a setting that has no range. */
export function describeRange(setting: Setting): string | undefined {
  if (setting.kind !== 'integer') return undefined;
  return `${withThousands(setting.min)}–${withThousands(setting.max)}`;
}

/**
 * An integer with thousands separated by commas, as `toLocaleString('en')` writes it, without it: the first call
 * wakes ICU (~10 ms), and every start pays for it, since the flags' help is built then.
 */
export const withThousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Markdown made plain for a terminal: the backticks go. */
export function plainText(markdown: string): string {
  return markdown.replaceAll('`', '');
}
