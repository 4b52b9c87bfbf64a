import { createPrivateKey, type JsonWebKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { MaskinportenError } from './errors.ts';

/** Where the signing key comes from; the fields mean what they mean in `MaskinportenSettings`. */
export interface SigningKeySource {
  readonly keyFile?: string;
  /** The key itself (PEM or JWK JSON), as `MASKINPORTEN_KEY` holds it. */
  readonly keyPem?: string;
  readonly certFile?: string;
  readonly kid?: string;
}

/** A private key ready for jose, with the one way Maskinporten identifies it: a `kid` or an `x5c` chain. */
export interface SigningKey {
  readonly key: KeyObject;
  readonly kid?: string;
  /** Base64 DER certificates, leaf first, for the grant's `x5c` header. */
  readonly x5c?: readonly string[];
}

export interface LoadSigningKeyOptions {
  /** For tests; file modes are not checked on Windows, where they mean nothing. */
  readonly platform?: NodeJS.Platform;
  readonly now?: () => number;
}

/**
 * Loads and checks the signing key. Synchronous on purpose: it runs once at start-up, and a bad key should stop
 * the run before any file is read. Errors name the setting and the file, never any key material.
 */
export function loadSigningKey(source: SigningKeySource, options: LoadSigningKeyOptions = {}): SigningKey {
  const platform = options.platform ?? process.platform;
  const now = options.now ?? Date.now;

  let text: string;
  let where: string;
  if (source.keyFile !== undefined && source.keyPem !== undefined) {
    throw configError(
      'Two signing keys are configured.',
      'Set MASKINPORTEN_KEY_FILE or MASKINPORTEN_KEY, not both.',
    );
  } else if (source.keyFile !== undefined) {
    where = `MASKINPORTEN_KEY_FILE (${source.keyFile})`;
    text = readKeyFile(source.keyFile, where, platform);
  } else if (source.keyPem !== undefined) {
    where = 'MASKINPORTEN_KEY';
    // Secret stores often flatten a PEM into one line with literal "\n".
    text = source.keyPem.includes('\n') ? source.keyPem : source.keyPem.replaceAll('\\n', '\n');
  } else {
    throw configError(
      'No signing key is configured.',
      'Set MASKINPORTEN_KEY_FILE to the private key file (or MASKINPORTEN_KEY to the key itself).',
    );
  }

  const { key, jwkKid } = parsePrivateKey(text, where, source.keyFile);
  checkRsa(key, where);

  if (source.kid !== undefined && source.certFile !== undefined) {
    throw configError(
      'Both a key id and a certificate are configured.',
      'Set MASKINPORTEN_KID (a key registered on the client) or MASKINPORTEN_CERT_FILE (a business certificate), not both.',
    );
  }
  if (source.certFile !== undefined) {
    return { key, x5c: readCertificateChain(source.certFile, key, now()) };
  }
  const kid = source.kid ?? jwkKid;
  if (kid === undefined) {
    throw configError(
      'Maskinporten needs to know which key signed the grant.',
      'Set MASKINPORTEN_KID to the key id registered on the client in Samarbeidsportalen, or MASKINPORTEN_CERT_FILE to the business certificate (PEM) that belongs to the key.',
    );
  }
  return { key, kid };
}

function readKeyFile(file: string, where: string, platform: NodeJS.Platform): string {
  let mode: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw configError(`${where} is not a file.`, 'Point it at the private key file.');
    mode = stat.mode;
  } catch (error) {
    if (error instanceof MaskinportenError) throw error;
    throw configError(
      `${where} cannot be read (${errorCode(error)}).`,
      'Check the path and the file permissions.',
    );
  }
  // A private key readable by others can be used by anyone on the machine to act as the company.
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    throw configError(
      `${where} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
      `Restrict it with: chmod 600 ${shellQuote(file)}`,
    );
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(`${where} cannot be read (${errorCode(error)}).`, 'Check the file permissions.');
  }
}

const EXPECTED_FORMAT =
  'Expected an RSA private key as PEM ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----") or as a JWK (JSON with "kty": "RSA" and the private members d, p, q, dp, dq, qi).';

function parsePrivateKey(
  text: string,
  where: string,
  file: string | undefined,
): { key: KeyObject; jwkKid?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJwk(trimmed, where);

  if (trimmed.includes('BEGIN ENCRYPTED PRIVATE KEY') || trimmed.includes('Proc-Type: 4,ENCRYPTED')) {
    throw configError(
      `${where} is protected by a passphrase, which leasingtaker-batch does not ask for.`,
      `Store it unencrypted with mode 600: openssl pkcs8 -topk8 -nocrypt -in ${shellQuote(file ?? 'encrypted.pem')} -out key.pem`,
    );
  }
  if (trimmed.includes('BEGIN PRIVATE KEY') || trimmed.includes('BEGIN RSA PRIVATE KEY')) {
    // Node reads PKCS#1 ("BEGIN RSA PRIVATE KEY") as well as PKCS#8, so neither needs converting.
    try {
      return { key: createPrivateKey({ key: trimmed, format: 'pem' }) };
    } catch (error) {
      throw configError(
        `${where} looks like a PEM private key but cannot be parsed (${errorCode(error)}).`,
        `${EXPECTED_FORMAT} To rewrite it as PKCS#8: openssl pkcs8 -topk8 -nocrypt -in ${shellQuote(file ?? 'key.pem')} -out key-pkcs8.pem`,
      );
    }
  }
  if (trimmed.includes('BEGIN CERTIFICATE') || trimmed.includes('BEGIN PUBLIC KEY')) {
    throw configError(
      `${where} holds a certificate or public key, not the private key.`,
      `${EXPECTED_FORMAT} A certificate goes in MASKINPORTEN_CERT_FILE.`,
    );
  }
  throw configError(`${where} is not a private key leasingtaker-batch can read.`, EXPECTED_FORMAT);
}

function parseJwk(text: string, where: string): { key: KeyObject; jwkKid?: string } {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw configError(`${where} starts with "{" but is not valid JSON.`, EXPECTED_FORMAT);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw configError(`${where} is not a JWK object.`, EXPECTED_FORMAT);
  }
  const fields = jwk as Record<string, unknown>;
  if (fields.kty !== 'RSA') {
    throw configError(`${where} is a JWK with kty ${JSON.stringify(fields.kty)}.`, EXPECTED_FORMAT);
  }
  if (typeof fields.d !== 'string') {
    throw configError(
      `${where} is a public JWK (no "d").`,
      `${EXPECTED_FORMAT} The public half goes in Samarbeidsportalen.`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: fields as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw configError(`${where} is a JWK that cannot be parsed (${errorCode(error)}).`, EXPECTED_FORMAT);
  }
  return typeof fields.kid === 'string' && fields.kid !== '' ? { key, jwkKid: fields.kid } : { key };
}

function checkRsa(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw configError(
      `${where} is an ${key.asymmetricKeyType ?? 'unknown'} key.`,
      'Grants are signed with RS256, which needs an RSA key (2048 bits or more).',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) {
    throw configError(`${where} is an RSA key of ${bits} bits.`, 'Maskinporten needs 2048 bits or more.');
  }
}

function readCertificateChain(file: string, key: KeyObject, nowMs: number): string[] {
  const where = `MASKINPORTEN_CERT_FILE (${file})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(
      `${where} cannot be read (${errorCode(error)}).`,
      'Check the path and the file permissions.',
    );
  }
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) {
    throw configError(
      `${where} holds no PEM certificate.`,
      'Expected the business certificate as PEM ("-----BEGIN CERTIFICATE-----"), leaf first, then any intermediates.',
    );
  }
  const certificates = blocks.map((block, index) => {
    try {
      return new X509Certificate(Buffer.from((block[1] ?? '').replace(/\s/g, ''), 'base64'));
    } catch {
      throw configError(
        `Certificate ${index + 1} in ${where} cannot be parsed.`,
        'Check that the file is intact.',
      );
    }
  });
  const leaf = certificates[0];
  if (leaf === undefined) throw configError(`${where} holds no certificate.`, 'Check the file.');
  if (!leaf.checkPrivateKey(key)) {
    throw configError(
      `The first certificate in ${where} does not belong to the private key.`,
      'Put the leaf certificate of this key first in the file, then any intermediates.',
    );
  }
  if (Date.parse(leaf.validTo) < nowMs) {
    throw configError(
      `The certificate in ${where} expired on ${leaf.validTo}.`,
      'Renew the business certificate.',
    );
  }
  if (Date.parse(leaf.validFrom) > nowMs) {
    throw configError(
      `The certificate in ${where} is not valid before ${leaf.validFrom}.`,
      "Check the machine's clock (NTP) or wait until the certificate is valid.",
    );
  }
  return certificates.map((certificate) => certificate.raw.toString('base64'));
}

function configError(summary: string, hint: string): MaskinportenError {
  return new MaskinportenError(summary, { kind: 'config', hint });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

function shellQuote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
