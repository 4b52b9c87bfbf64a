import { maskId } from '../domain/mask.ts';
import type { MaskinportenSettings } from './settings.ts';

type HintSettings = Pick<MaskinportenSettings, 'environment' | 'clientId' | 'scope' | 'consumerOrg' | 'kid'>;

interface Rule {
  readonly matches: (error: string, description: string) => boolean;
  readonly hint: (settings: HintSettings) => string;
}

// Maskinporten's descriptions are free text (with codes such as MP-110); the rules match the wordings Digdir
// documents and seen in practice. Order matters: the specific ones come first, since "Unknown key identifier
// (kid) for client" also mentions the client and "MP-121 expired key" also says "expired".
const RULES: readonly Rule[] = [
  {
    matches: (_, d) => /consumer_org|delegat|altinn/i.test(d),
    hint: (s) =>
      `Check that the fleet owner ${s.consumerOrg === undefined ? '(MASKINPORTEN_CONSUMER_ORG)' : `${maskId(s.consumerOrg)} (its owner folder in the inbox, or MASKINPORTEN_CONSUMER_ORG)`} has delegated access to the API to your organisation in Altinn, and that MASKINPORTEN_SCOPE is the scope for delegated use.`,
  },
  {
    matches: (e, d) => e === 'invalid_scope' || /invalid scope/i.test(d),
    hint: (s) =>
      `Check MASKINPORTEN_SCOPE (${s.scope}) against the scopes granted to client ${s.clientId} in Samarbeidsportalen; Statens vegvesen must have given your organisation access to the scope.`,
  },
  {
    matches: (_, d) => /used before|jti/i.test(d),
    hint: () =>
      'A grant was used twice (same jti). leasingtaker-batch makes a fresh jti for every token request, so this is a bug: please report it.',
  },
  {
    matches: (_, d) => /\bkid\b|key identifier/i.test(d),
    hint: (s) =>
      `Check MASKINPORTEN_KID (${s.kid ?? 'not set'}) against the keys registered on client ${s.clientId} in Samarbeidsportalen, and that MASKINPORTEN_KEY_FILE holds the private half of that key.`,
  },
  {
    matches: (_, d) => /certificate|x5c|MP-120/i.test(d),
    hint: () =>
      'Check MASKINPORTEN_CERT_FILE: it must hold a valid business certificate (virksomhetssertifikat) for this client, leaf first; a production certificate is refused in test and the other way round.',
  },
  {
    matches: (_, d) => /MP-121|expired key|key.*(expired|revoked)/i.test(d),
    hint: (s) =>
      `The key registered on client ${s.clientId} has expired: register a new key in Samarbeidsportalen and set MASKINPORTEN_KID and MASKINPORTEN_KEY_FILE to it.`,
  },
  {
    matches: (_, d) => /\b(iat|exp)\b|expired|not yet valid|future|clock|too old/i.test(d),
    hint: () =>
      "Check the machine's clock: Maskinporten accepts a grant only when its iat is within 10 seconds of its own time. Turn on time synchronisation (NTP).",
  },
  {
    matches: (e, d) =>
      e === 'invalid_client' || /client not found|unknown client|client .*(inactive|not active)/i.test(d),
    hint: (s) =>
      `Check MASKINPORTEN_CLIENT_ID (${s.clientId}) and MASKINPORTEN_ENV (${s.environment}): a client registered in test is unknown in production, and the other way round.`,
  },
  {
    matches: (_, d) => /\baud\b|audience|MP-110/i.test(d),
    hint: () =>
      'The grant was addressed to another Maskinporten: check MASKINPORTEN_ENV and MASKINPORTEN_ISSUER (it must end with "/").',
  },
  {
    matches: (_, d) => /resource/i.test(d),
    hint: () =>
      'Check MASKINPORTEN_RESOURCE: the audience must be one the API accepts (set it empty to send none).',
  },
  {
    matches: (_, d) => /signature/i.test(d),
    hint: (s) =>
      `The grant's signature did not verify: check that the private key (MASKINPORTEN_KEY_FILE) matches the key or certificate registered on client ${s.clientId}.`,
  },
];

/** What to check for an OAuth error from Maskinporten, naming the settings involved. */
export function explainOAuthError(error: string, description: string, settings: HintSettings): string {
  for (const rule of RULES) {
    if (rule.matches(error, description)) return rule.hint(settings);
  }
  return `Check the Maskinporten client (MASKINPORTEN_CLIENT_ID ${settings.clientId}, MASKINPORTEN_ENV ${settings.environment}), its key and its scopes in Samarbeidsportalen.`;
}
