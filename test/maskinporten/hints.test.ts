import { describe, expect, it } from 'vitest';
import { explainOAuthError } from '../../src/maskinporten/hints.ts';

const settings = {
  environment: 'test',
  clientId: 'client-1',
  scope: 'svv:kjoretoy/leasingtaker',
  kid: 'kid-1',
  consumerOrg: '974760673',
} as const;

describe('explainOAuthError', () => {
  it.each([
    [
      'invalid_grant',
      'Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client',
      /MASKINPORTEN_KID \(kid-1\)/,
    ],
    ['invalid_grant', 'Invalid assertion. Client authentication failed. JWT is expired', /clock.*NTP/],
    ['invalid_grant', 'Invalid assertion. The jwt iat is not within 10 seconds of now', /clock.*NTP/],
    ['invalid_grant', 'Invalid assertion. Grant is used before', /bug: please report/],
    [
      'invalid_scope',
      'Token request contains invalid scopes for client',
      /MASKINPORTEN_SCOPE \(svv:kjoretoy\/leasingtaker\).*Samarbeidsportalen/,
    ],
    [
      'invalid_client',
      'Client not found',
      /MASKINPORTEN_CLIENT_ID \(client-1\) and MASKINPORTEN_ENV \(test\)/,
    ],
    ['invalid_grant', 'Invalid assertion. Client not found: client-1', /MASKINPORTEN_CLIENT_ID/],
    [
      'invalid_grant',
      'Consumer has not delegated access to the scope to supplier (consumer_org)',
      /delegated .* in Altinn/,
    ],
    ['invalid_grant', 'MP-120 invalid certificate', /MASKINPORTEN_CERT_FILE/],
    ['invalid_grant', 'MP-121 expired key', /register a new key/],
    ['invalid_grant', 'MP-110 invalid audience', /MASKINPORTEN_ISSUER/],
    ['invalid_grant', 'Invalid assertion. Signature verification failed', /private key/],
    ['invalid_target', 'Invalid resource', /MASKINPORTEN_RESOURCE/],
    ['server_error', 'Something else', /MASKINPORTEN_CLIENT_ID client-1/],
  ])('%s "%s" → %s', (error, description, hint) => {
    expect(explainOAuthError(error, description, settings)).toMatch(hint);
  });

  it('masks the consumer_org in a delegation hint', () => {
    const hint = explainOAuthError('invalid_grant', 'missing delegation', settings);
    expect(hint).toContain('974760***');
    expect(hint).not.toContain('974760673');
  });

  // A delegated owner comes from MASKINPORTEN_CONSUMER_ORG or from an owner folder in the inbox: the hint must
  // not send the operator to a setting that was never set.
  it('names both places a fleet owner can come from in a delegation hint', () => {
    const hint = explainOAuthError('invalid_grant', 'missing delegation', settings);
    expect(hint).toMatch(/974760\*\*\* \(its owner folder in the inbox, or MASKINPORTEN_CONSUMER_ORG\)/);
  });
});
