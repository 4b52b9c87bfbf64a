import type { JsonWebKey } from 'node:crypto';
import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DEFAULT_SCOPE } from './constants.ts';
import type { SimulatorClient } from './types.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The demo client's own organisation (synthetic-style number, valid mod-11). */
export const DEMO_CLIENT_ORGNR = '310123455';

export interface DemoClient {
  client: SimulatorClient;
  /** PKCS#8 PEM: what a client's key file holds. */
  privateKeyPem: string;
  privateJwk: JsonWebKey;
  kid: string;
}

/**
 * A throwaway RSA-2048 key pair and a client registered with its public half: clientId (random UUID), orgnr
 * DEMO_CLIENT_ORGNR, scopes [DEFAULT_SCOPE] unless overridden. The generated key is always the client's key.
 */
export async function createDemoClient(
  overrides: Partial<Omit<SimulatorClient, 'keys'>> = {},
): Promise<DemoClient> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const kid = `leasingtaker-demo-${randomBytes(4).toString('hex')}`;
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privateJwk: JsonWebKey = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const client: SimulatorClient = {
    clientId: randomUUID(),
    orgnr: DEMO_CLIENT_ORGNR,
    scopes: [DEFAULT_SCOPE],
    ...overrides,
    keys: [{ kid, publicJwk }],
  };
  return { client, privateKeyPem, privateJwk, kid };
}
