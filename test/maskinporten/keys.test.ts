import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaskinportenError } from '../../src/maskinporten/errors.ts';
import { loadSigningKey } from '../../src/maskinporten/keys.ts';
import { createKeyFixture, hasOpenssl, type KeyFixture, selfSignedCertificate } from '../support/keys.ts';

let fixture: KeyFixture;
beforeAll(() => {
  fixture = createKeyFixture();
});
afterAll(() => fixture.cleanup());

function configError(load: () => unknown): MaskinportenError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(MaskinportenError);
    const failure = error as MaskinportenError;
    expect(failure.kind).toBe('config');
    // Nothing of the key may leak into a message that ends up in a log.
    const privateBase64 = fixture.pkcs8Pem.split('\n')[5] ?? 'unreachable';
    expect(JSON.stringify({ message: failure.message, hint: failure.hint })).not.toContain(privateBase64);
    return failure;
  }
  throw new Error('expected loadSigningKey to throw');
}

describe('loadSigningKey', () => {
  it('loads a PKCS#8 PEM file with a kid', () => {
    const keyFile = fixture.write('pkcs8.pem', fixture.pkcs8Pem);
    const loaded = loadSigningKey({ keyFile, kid: 'my-kid' });
    expect(loaded.kid).toBe('my-kid');
    expect(loaded.x5c).toBeUndefined();
    expect(loaded.key.asymmetricKeyType).toBe('rsa');
  });

  it('loads a PKCS#1 ("BEGIN RSA PRIVATE KEY") file without conversion', () => {
    const keyFile = fixture.write('pkcs1.pem', fixture.pkcs1Pem);
    const loaded = loadSigningKey({ keyFile, kid: 'k' });
    expect(loaded.key.equals(fixture.privateKey)).toBe(true);
  });

  it('loads a JWK from MASKINPORTEN_KEY and takes its kid when none is configured', () => {
    const jwk = { ...fixture.privateKey.export({ format: 'jwk' }), kid: 'jwk-kid' };
    const loaded = loadSigningKey({ keyPem: JSON.stringify(jwk) });
    expect(loaded.kid).toBe('jwk-kid');
    expect(loadSigningKey({ keyPem: JSON.stringify(jwk), kid: 'configured' }).kid).toBe('configured');
  });

  it('loads a PEM from MASKINPORTEN_KEY flattened with literal \\n', () => {
    const flattened = fixture.pkcs8Pem.trim().replaceAll('\n', '\\n');
    expect(loadSigningKey({ keyPem: flattened, kid: 'k' }).key.equals(fixture.privateKey)).toBe(true);
  });

  it.each([0o644, 0o640, 0o604])('refuses a key file with mode %o and says to chmod 600', (mode) => {
    const keyFile = fixture.write(`open-${mode.toString(8)}.pem`, fixture.pkcs8Pem, mode);
    const error = configError(() => loadSigningKey({ keyFile, kid: 'k' }));
    expect(error.message).toContain(`chmod 600 ${keyFile}`);
    expect(error.message).toContain('can be read by other users');
  });

  it('does not check file modes on Windows', () => {
    const keyFile = fixture.write('windows.pem', fixture.pkcs8Pem, 0o644);
    expect(loadSigningKey({ keyFile, kid: 'k' }, { platform: 'win32' }).kid).toBe('k');
  });

  it('names the file and the expected format for a file that is not a key', () => {
    const keyFile = fixture.write('garbage.pem', 'hello');
    const error = configError(() => loadSigningKey({ keyFile, kid: 'k' }));
    expect(error.message).toContain(`MASKINPORTEN_KEY_FILE (${keyFile})`);
    expect(error.message).toContain('BEGIN PRIVATE KEY');
    expect(error.message).toContain('JWK');
  });

  it('names the file for a PEM that does not parse, with the openssl command to rewrite it', () => {
    const broken = fixture.pkcs8Pem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n');
    const keyFile = fixture.write('broken.pem', broken);
    const error = configError(() => loadSigningKey({ keyFile, kid: 'k' }));
    expect(error.message).toContain(keyFile);
    expect(error.message).toContain('openssl pkcs8 -topk8 -nocrypt');
  });

  it('refuses a passphrase-protected key with the command to decrypt it', () => {
    const encrypted = fixture.privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' })
      .toString();
    const keyFile = fixture.write('encrypted.pem', encrypted);
    expect(configError(() => loadSigningKey({ keyFile, kid: 'k' })).message).toContain('passphrase');
  });

  it('refuses a public JWK, a certificate in the key variable, and a non-RSA key', () => {
    const publicJwk = fixture.publicKey.export({ format: 'jwk' });
    expect(
      configError(() => loadSigningKey({ keyPem: JSON.stringify(publicJwk), kid: 'k' })).message,
    ).toContain('public JWK');
    expect(
      configError(() =>
        loadSigningKey({ keyPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', kid: 'k' }),
      ).message,
    ).toContain('MASKINPORTEN_CERT_FILE');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(configError(() => loadSigningKey({ keyPem: ec.toString(), kid: 'k' })).message).toContain('RSA');
  });

  it('refuses an RSA key shorter than 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(configError(() => loadSigningKey({ keyPem: small.toString(), kid: 'k' })).message).toContain(
      '1024 bits',
    );
  });

  it('names a missing key file without reading anything', () => {
    const error = configError(() => loadSigningKey({ keyFile: `${fixture.dir}/missing.pem`, kid: 'k' }));
    expect(error.message).toContain('ENOENT');
  });

  it('needs exactly one of kid and certificate', () => {
    const keyFile = fixture.write('one-of.pem', fixture.pkcs8Pem);
    expect(configError(() => loadSigningKey({ keyFile })).message).toContain('MASKINPORTEN_KID');
    expect(configError(() => loadSigningKey({ keyFile, kid: 'k', certFile: '/c.pem' })).message).toContain(
      'not both',
    );
    expect(configError(() => loadSigningKey({})).message).toContain('MASKINPORTEN_KEY_FILE');
  });

  it.runIf(hasOpenssl)('reads a certificate chain into x5c, leaf first, as base64 DER', () => {
    const keyFile = fixture.write('with-cert.pem', fixture.pkcs8Pem);
    const leaf = selfSignedCertificate(fixture);
    const other = createKeyFixture();
    try {
      const intermediate = selfSignedCertificate(other);
      const certFile = fixture.write('chain.pem', `${leaf}${intermediate}`, 0o644);
      const loaded = loadSigningKey({ keyFile, certFile });
      expect(loaded.kid).toBeUndefined();
      expect(loaded.x5c).toHaveLength(2);
      const leafBase64 = leaf.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
      expect(loaded.x5c?.[0]).toBe(leafBase64);

      const wrongOrder = fixture.write('wrong-order.pem', `${intermediate}${leaf}`, 0o644);
      expect(configError(() => loadSigningKey({ keyFile, certFile: wrongOrder })).message).toContain(
        'does not belong to the private key',
      );
    } finally {
      other.cleanup();
    }
  });

  it.runIf(hasOpenssl)('refuses an expired certificate', () => {
    const keyFile = fixture.write('expiring.pem', fixture.pkcs8Pem);
    const certFile = fixture.write('expiring-cert.pem', selfSignedCertificate(fixture, 1), 0o644);
    const inTwoDays = Date.now() + 2 * 86_400_000;
    expect(
      configError(() => loadSigningKey({ keyFile, certFile }, { now: () => inTwoDays })).message,
    ).toContain('expired');
  });
});
