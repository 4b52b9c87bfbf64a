import { randomUUID } from 'node:crypto';
import { importPKCS8, type JWTHeaderParameters, SignJWT } from 'jose';
import { API_PATH, DEFAULT_SCOPE } from '../../src/simulator/constants.ts';
import type { Simulator } from '../../src/simulator/types.ts';

export interface Signer {
  privateKeyPem: string;
  kid: string;
  client: { clientId: string };
}

export interface GrantOptions {
  /** Claims to set or override; a value of undefined removes the claim. */
  claims?: Record<string, unknown>;
  /** Header to use instead of { alg: 'RS256', kid }. */
  header?: Record<string, unknown>;
  /** The clock (epoch s) iat is taken from. Default now. */
  nowSeconds?: number;
  privateKeyPem?: string;
}

/** A JWT-bearer grant as a Maskinporten client makes it, valid unless told otherwise. */
export async function signGrant(sim: Simulator, signer: Signer, options: GrantOptions = {}): Promise<string> {
  const iat = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    aud: sim.issuer,
    iss: signer.client.clientId,
    scope: DEFAULT_SCOPE,
    iat,
    exp: iat + 120,
    jti: randomUUID(),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const header = (options.header ?? { alg: 'RS256', kid: signer.kid }) as JWTHeaderParameters;
  const key = await importPKCS8(options.privateKeyPem ?? signer.privateKeyPem, header.alg, {
    extractable: false,
  });
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function requestToken(sim: Simulator, assertion: string): Promise<JsonReply> {
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  return jsonReply(
    await fetch(`${sim.issuer}token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    }),
  );
}

/** A token for the signer (throws if refused). */
export async function accessToken(
  sim: Simulator,
  signer: Signer,
  options: GrantOptions = {},
): Promise<string> {
  const reply = await requestToken(sim, await signGrant(sim, signer, options));
  if (reply.status !== 200) throw new Error(`token refused: ${JSON.stringify(reply.body)}`);
  return reply.body.access_token as string;
}

export async function callApi(
  sim: Simulator,
  token: string | undefined,
  body: unknown,
  init: { contentType?: string; method?: string } = {},
): Promise<JsonReply> {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return jsonReply(
    await fetch(`${sim.apiUrl}${API_PATH}`, {
      method: init.method ?? 'POST',
      headers,
      ...(init.method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
}

async function jsonReply(response: Response): Promise<JsonReply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** Synthetic test persons (month + 80), see src/simulator/README.md. */
export const PERSONS = {
  seed: '63888700414',
  other: '63888012380',
  unidentifiable: '63888099966',
  nameMismatch: '63888099885',
  badControlDigit: '63888700415',
} as const;

export const ORGS = {
  lessee: '912345688',
  unidentifiable: '810000007',
  badControlDigit: '912345689',
} as const;
