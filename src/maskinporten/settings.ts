import { isLoopbackHost } from '../api/loopback.ts';
import { parseOrganisasjonsnummer } from '../domain/organisasjonsnummer.ts';
import { SETTINGS } from '../settings.ts';

export const TEST_ISSUER = SETTINGS.issuer.default.test;
export const PROD_ISSUER = SETTINGS.issuer.default.prod;

/**
 * Audience (RFC 8707 `resource`) per issuer. Keyed by issuer, so a custom issuer (the simulator, a proxy) gets
 * no default.
 */
const DEFAULT_RESOURCE: Readonly<Record<string, readonly string[]>> = {
  [TEST_ISSUER]: [SETTINGS.resource.default.test],
  [PROD_ISSUER]: [SETTINGS.resource.default.prod],
};

export type MaskinportenEnvironment = 'test' | 'prod' | 'custom';

/**
 * Everything needed to ask Maskinporten for a token. Built from the environment by `resolveMaskinportenSettings`;
 * each variable is in the settings table (settings.ts).
 */
export interface MaskinportenSettings {
  /**
   * `SETTINGS.maskinportenEnv`; `custom` when only `MASKINPORTEN_ISSUER` is set and it is neither Maskinporten's
   * test nor production issuer. Used in hints: a client exists in one environment only.
   */
  readonly environment: MaskinportenEnvironment;
  /** `SETTINGS.issuer`: the grant's `aud`, compared as a string; https, or http on loopback (the simulator). */
  readonly issuer: string;
  /** `SETTINGS.clientId`: the client registered in Samarbeidsportalen; the grant's `iss`. */
  readonly clientId: string;
  /** `SETTINGS.scope`, space-separated if several. */
  readonly scope: string;
  /** `SETTINGS.resource`, sent as the grant's `resource` array; none for a custom issuer. */
  readonly resource: readonly string[];
  /** `SETTINGS.kid`. Either this or `certFile`, not both. */
  readonly kid?: string;
  /** `SETTINGS.keyFile`: PKCS#8 or PKCS#1 PEM, or JWK JSON, mode 600. */
  readonly keyFile?: string;
  /** `SETTINGS.key`, for secret stores that inject variables. */
  readonly keyPem?: string;
  /** `SETTINGS.certFile`: leaf first, sent as `x5c` instead of a kid. */
  readonly certFile?: string;
  /** `SETTINGS.consumerOrg`: organisasjonsnummer of the fleet owner we act for through an Altinn delegation. */
  readonly consumerOrg?: string;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: MaskinportenSettings }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Reads the `MASKINPORTEN_*` variables and returns settings, or every problem found (not just the first). */
export function resolveMaskinportenSettings(
  env: Readonly<Record<string, string | undefined>>,
): SettingsResult {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };

  const envName = value('MASKINPORTEN_ENV')?.toLowerCase();
  let environment: MaskinportenEnvironment | undefined;
  if (envName === 'test' || envName === 'prod') environment = envName;
  else if (envName !== undefined) problems.push('MASKINPORTEN_ENV must be "test" or "prod".');

  let issuer: string | undefined;
  const issuerOverride = value('MASKINPORTEN_ISSUER');
  if (issuerOverride !== undefined) {
    const problem = issuerProblem(issuerOverride);
    if (problem === undefined) issuer = issuerOverride;
    else problems.push(problem);
  } else if (environment !== undefined) {
    issuer = environment === 'test' ? TEST_ISSUER : PROD_ISSUER;
  } else if (envName === undefined) {
    problems.push('Set MASKINPORTEN_ENV to "test" or "prod" (or MASKINPORTEN_ISSUER to a custom issuer).');
  }
  if (issuer !== undefined && environment === undefined) {
    environment = issuer === TEST_ISSUER ? 'test' : issuer === PROD_ISSUER ? 'prod' : 'custom';
  }

  const clientId = value('MASKINPORTEN_CLIENT_ID');
  if (clientId === undefined) {
    problems.push('MASKINPORTEN_CLIENT_ID is required: the client id registered in Samarbeidsportalen.');
  }

  const scope = (value('MASKINPORTEN_SCOPE') ?? SETTINGS.scope.default).split(/\s+/).join(' ');

  let resource: readonly string[] = [];
  const rawResource = env.MASKINPORTEN_RESOURCE;
  if (rawResource === undefined) {
    resource = issuer === undefined ? [] : (DEFAULT_RESOURCE[issuer] ?? []);
  } else {
    const entries = rawResource
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const invalid = entries.filter((entry) => !URL.canParse(entry));
    if (invalid.length > 0) {
      problems.push(
        `MASKINPORTEN_RESOURCE must be a comma-separated list of absolute URLs; not: ${invalid.join(', ')}.`,
      );
    }
    resource = entries;
  }

  const kid = value('MASKINPORTEN_KID');
  const keyFile = value('MASKINPORTEN_KEY_FILE');
  const keyPem = value('MASKINPORTEN_KEY');
  const certFile = value('MASKINPORTEN_CERT_FILE');
  if (keyFile !== undefined && keyPem !== undefined) {
    problems.push('Set MASKINPORTEN_KEY_FILE or MASKINPORTEN_KEY, not both.');
  } else if (keyFile === undefined && keyPem === undefined) {
    problems.push(
      'Set MASKINPORTEN_KEY_FILE to the private key file (or MASKINPORTEN_KEY to the key itself).',
    );
  }
  if (kid !== undefined && certFile !== undefined) {
    problems.push(
      'Set MASKINPORTEN_KID (a key registered on the client) or MASKINPORTEN_CERT_FILE (a business certificate), not both.',
    );
  }

  const rawConsumerOrg = value('MASKINPORTEN_CONSUMER_ORG');
  let consumerOrg: string | undefined;
  if (rawConsumerOrg !== undefined) {
    const parsed = parseOrganisasjonsnummer(rawConsumerOrg);
    if (parsed.ok) consumerOrg = parsed.value;
    else
      problems.push(
        'MASKINPORTEN_CONSUMER_ORG must be a valid 9-digit organisasjonsnummer (mod-11 control digit).',
      );
  }

  if (problems.length > 0 || issuer === undefined || clientId === undefined || environment === undefined) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    settings: {
      environment,
      issuer,
      clientId,
      scope,
      resource,
      ...(kid === undefined ? {} : { kid }),
      ...(keyFile === undefined ? {} : { keyFile }),
      ...(keyPem === undefined ? {} : { keyPem }),
      ...(certFile === undefined ? {} : { certFile }),
      ...(consumerOrg === undefined ? {} : { consumerOrg }),
    },
  };
}

function issuerProblem(issuer: string): string | undefined {
  if (!URL.canParse(issuer))
    return 'MASKINPORTEN_ISSUER must be an absolute URL such as https://test.maskinporten.no/.';
  const url = new URL(issuer);
  if (!issuer.endsWith('/')) {
    return `MASKINPORTEN_ISSUER must end with "/" (it is the grant's aud, compared as a string): ${issuer}/`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'MASKINPORTEN_ISSUER must use https (http only for 127.0.0.1, localhost or [::1]).';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'MASKINPORTEN_ISSUER must be an https URL.';
  if (url.search !== '' || url.hash !== '') return 'MASKINPORTEN_ISSUER must not have a query or fragment.';
  return undefined;
}
