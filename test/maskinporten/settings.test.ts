import { describe, expect, it } from 'vitest';
import { resolveMaskinportenSettings } from '../../src/maskinporten/settings.ts';

const base = {
  MASKINPORTEN_ENV: 'test',
  MASKINPORTEN_CLIENT_ID: 'client-1',
  MASKINPORTEN_KEY_FILE: '/keys/key.pem',
  MASKINPORTEN_KID: 'kid-1',
};

function settingsOf(env: Record<string, string | undefined>) {
  const result = resolveMaskinportenSettings(env);
  if (!result.ok) throw new Error(`unexpected problems: ${result.problems.join(' | ')}`);
  return result.settings;
}

function problemsOf(env: Record<string, string | undefined>) {
  const result = resolveMaskinportenSettings(env);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('resolveMaskinportenSettings', () => {
  it('picks the test issuer, the default scope and the test audience for MASKINPORTEN_ENV=test', () => {
    expect(settingsOf(base)).toEqual({
      environment: 'test',
      issuer: 'https://test.maskinporten.no/',
      clientId: 'client-1',
      scope: 'svv:kjoretoy/leasingtaker',
      resource: ['https://www.utv.vegvesen.no'],
      kid: 'kid-1',
      keyFile: '/keys/key.pem',
    });
  });

  it('picks the production issuer and audience for MASKINPORTEN_ENV=prod', () => {
    const settings = settingsOf({ ...base, MASKINPORTEN_ENV: 'prod' });
    expect(settings.issuer).toBe('https://maskinporten.no/');
    expect(settings.resource).toEqual(['https://www.vegvesen.no']);
    expect(settings.environment).toBe('prod');
  });

  it('lets MASKINPORTEN_ISSUER override the environment and sends no default resource for a custom issuer', () => {
    const settings = settingsOf({ ...base, MASKINPORTEN_ISSUER: 'http://127.0.0.1:4000/' });
    expect(settings.issuer).toBe('http://127.0.0.1:4000/');
    expect(settings.resource).toEqual([]);
  });

  it('treats an issuer override equal to a known issuer as that environment', () => {
    const settings = settingsOf({
      ...base,
      MASKINPORTEN_ENV: undefined,
      MASKINPORTEN_ISSUER: 'https://maskinporten.no/',
    });
    expect(settings.environment).toBe('prod');
    expect(settings.resource).toEqual(['https://www.vegvesen.no']);
  });

  it('reads a comma-separated resource list, and the empty string as none', () => {
    expect(
      settingsOf({ ...base, MASKINPORTEN_RESOURCE: ' https://a.example , https://b.example ' }).resource,
    ).toEqual(['https://a.example', 'https://b.example']);
    expect(settingsOf({ ...base, MASKINPORTEN_RESOURCE: '' }).resource).toEqual([]);
  });

  it('accepts the key as content, a certificate instead of a kid, a scope and a valid consumer_org', () => {
    const settings = settingsOf({
      MASKINPORTEN_ENV: 'prod',
      MASKINPORTEN_CLIENT_ID: 'c',
      MASKINPORTEN_KEY: '-----BEGIN PRIVATE KEY-----',
      MASKINPORTEN_CERT_FILE: '/keys/cert.pem',
      MASKINPORTEN_SCOPE: 'svv:kjoretoy/leasingtaker.delegert   other:scope',
      MASKINPORTEN_CONSUMER_ORG: '974 760 673',
    });
    expect(settings.keyPem).toBe('-----BEGIN PRIVATE KEY-----');
    expect(settings.certFile).toBe('/keys/cert.pem');
    expect(settings.kid).toBeUndefined();
    expect(settings.scope).toBe('svv:kjoretoy/leasingtaker.delegert other:scope');
    expect(settings.consumerOrg).toBe('974760673');
  });

  it.each(['974760674', '97476067', '97476067a'])('refuses the consumer_org %s', (orgnr) => {
    expect(problemsOf({ ...base, MASKINPORTEN_CONSUMER_ORG: orgnr })).toEqual([
      expect.stringMatching(/MASKINPORTEN_CONSUMER_ORG must be a valid/),
    ]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      MASKINPORTEN_ENV: 'staging',
      MASKINPORTEN_KEY_FILE: '/a',
      MASKINPORTEN_KEY: 'b',
      MASKINPORTEN_KID: 'k',
      MASKINPORTEN_CERT_FILE: '/c',
      MASKINPORTEN_CONSUMER_ORG: '123456789',
      MASKINPORTEN_RESOURCE: 'not a url',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_ENV must be "test" or "prod"/);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_CLIENT_ID is required/);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_KEY_FILE or MASKINPORTEN_KEY, not both/);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_KID .* or MASKINPORTEN_CERT_FILE .*not both/);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_CONSUMER_ORG must be a valid 9-digit/);
    expect(problems.join('\n')).toMatch(/MASKINPORTEN_RESOURCE .* not: not a url/);
  });

  it('asks for an environment and a key when nothing is set', () => {
    const problems = problemsOf({});
    expect(problems).toEqual([
      expect.stringMatching(/Set MASKINPORTEN_ENV/),
      expect.stringMatching(/MASKINPORTEN_CLIENT_ID is required/),
      expect.stringMatching(/Set MASKINPORTEN_KEY_FILE/),
    ]);
  });

  it.each([
    ['https://test.maskinporten.no', /must end with "\/"/],
    ['http://maskinporten.example/', /must use https/],
    ['ftp://127.0.0.1/', /must be an https URL/],
    ['not a url', /absolute URL/],
    ['https://x.example/?a=1/', /query or fragment/],
  ])('refuses the issuer %s', (issuer, message) => {
    expect(problemsOf({ ...base, MASKINPORTEN_ISSUER: issuer })).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    'http://localhost:8080/',
    'http://127.0.0.2/',
    'http://[::1]:9/',
    'https://proxy.example/maskinporten/',
  ])('accepts the issuer %s', (issuer) => {
    expect(settingsOf({ ...base, MASKINPORTEN_ISSUER: issuer }).issuer).toBe(issuer);
  });
});
