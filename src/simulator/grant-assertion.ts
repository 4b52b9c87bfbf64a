// The grant's signed JWT before its claims are trusted: decoding it unverified (to learn which client it names
// and how it is signed), finding the key that must have signed it (a registered kid, or an x5c certificate the
// client has registered), and verifying the signature. Maskinporten's rules, summarised in
// shared/domain/NOTES.md.

import { X509Certificate } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type KeyObject } from 'jose';
import { keyForKid, type RegisteredClient } from './clients.ts';
import { Refusal, refusalFor } from './grant-refusal.ts';

const ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512']);

/** A registered JWK as jose imported it, or an x5c certificate's public key. */
type VerificationKey = NonNullable<Awaited<ReturnType<typeof keyForKid>>> | KeyObject;

/** The assertion's protected header: an allowed alg, and exactly one of kid and x5c. */
export interface AssertionHeader {
  readonly alg: string;
  readonly kid?: unknown;
  readonly x5c?: unknown;
}

/** The header and the issuer the assertion claims, read without verifying it (to know whose key to use). */
export function decodeUnverified(assertion: string): { header: AssertionHeader; unverifiedIss: string } {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    payload = decodeJwt(assertion) as Record<string, unknown>;
  } catch {
    throw new Refusal('invalid_grant', 'MP-100: Invalid assertion. The assertion is not a signed JWT');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) {
    throw new Refusal('invalid_grant', 'MP-100: Invalid assertion. alg must be RS256, RS384 or RS512');
  }
  const hasKid = header.kid !== undefined;
  const hasX5c = header.x5c !== undefined;
  if (hasKid === hasX5c) {
    throw new Refusal(
      'invalid_grant',
      'MP-100: Invalid assertion. The header needs exactly one of kid and x5c',
    );
  }
  if (typeof payload.iss !== 'string') throw new Refusal('invalid_client', 'Client not found');
  return { header: { alg, kid: header.kid, x5c: header.x5c }, unverifiedIss: payload.iss };
}

/** The key that must have signed the assertion: the client's key by kid, or its registered x5c certificate's. */
export async function verificationKey(
  registered: RegisteredClient,
  header: AssertionHeader,
  now: () => number,
): Promise<VerificationKey> {
  if (header.kid !== undefined) {
    const key =
      typeof header.kid === 'string' ? await keyForKid(registered, header.kid, header.alg) : undefined;
    if (!key) throw refusalFor(registered, 'invalid_grant', 'Unknown key identifier (kid) for client');
    return key;
  }
  const leaf = leafCertificate(header.x5c);
  if (!leaf) throw refusalFor(registered, 'invalid_grant', 'Failed to extract certificate from jwt');
  if (!registered.trustedFingerprints.has(leaf.fingerprint256)) {
    throw refusalFor(
      registered,
      'invalid_grant',
      'MP-120: Invalid certificate. The certificate is not registered for the client',
    );
  }
  const at = now();
  if (at < Date.parse(leaf.validFrom) || at > Date.parse(leaf.validTo)) {
    throw refusalFor(
      registered,
      'invalid_grant',
      'MP-120: Invalid certificate. The certificate has expired or is not yet valid',
    );
  }
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') {
    throw refusalFor(
      registered,
      'invalid_grant',
      'MP-120: Invalid certificate. The certificate must hold an RSA key',
    );
  }
  return leaf.publicKey as KeyObject;
}

/** The assertion's claims once its signature is verified with `key` under the header's alg. */
export async function verifiedClaims(
  registered: RegisteredClient,
  assertion: string,
  key: VerificationKey,
  header: AssertionHeader,
): Promise<Record<string, unknown>> {
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = (await compactVerify(assertion, key, { algorithms: [header.alg] })).payload;
  } catch {
    throw refusalFor(registered, 'invalid_grant', 'MP-100: Invalid assertion. Signature verification failed');
  }
  return JSON.parse(new TextDecoder().decode(payloadBytes)) as Record<string, unknown>;
}

/** The first certificate of an x5c array (base64 DER), or undefined when x5c is not such an array. */
function leafCertificate(x5c: unknown): X509Certificate | undefined {
  if (!Array.isArray(x5c) || !x5c.every((entry) => typeof entry === 'string')) return undefined;
  const first: unknown = x5c[0];
  if (typeof first !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(first)) return undefined;
  try {
    return new X509Certificate(Buffer.from(first, 'base64'));
  } catch {
    return undefined;
  }
}
