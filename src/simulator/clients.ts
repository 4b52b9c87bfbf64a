import { X509Certificate } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { isValidOrgnr } from './identity.ts';
import type { SimulatorClient } from './types.ts';

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

interface RegisteredClient {
  readonly client: SimulatorClient;
  readonly scopes: ReadonlySet<string>;
  /** SHA-256 fingerprints of the trusted leaf certificates. */
  readonly trustedFingerprints: ReadonlySet<string>;
  /** consumerOrg -> delegated scopes. */
  readonly delegations: Map<string, ReadonlySet<string>>;
  /** `${kid}\0${alg}` -> imported key: importing a JWK costs more than the verification itself. */
  readonly importedKeys: Map<string, VerifyKey>;
}

export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>();

  add(client: SimulatorClient): void {
    if (typeof client.clientId !== 'string' || client.clientId === '') {
      throw new TypeError('Simulator client needs a clientId');
    }
    if (!isValidOrgnr(client.orgnr)) {
      throw new TypeError(
        `Simulator client ${client.clientId}: orgnr must be 9 digits with a valid control digit`,
      );
    }
    const trustedFingerprints = new Set<string>();
    for (const [index, pem] of (client.trustedCertificates ?? []).entries()) {
      try {
        trustedFingerprints.add(new X509Certificate(pem).fingerprint256);
      } catch (cause) {
        throw new TypeError(
          `Simulator client ${client.clientId}: trustedCertificates[${index}] is not a PEM certificate`,
          { cause },
        );
      }
    }
    const delegations = new Map<string, ReadonlySet<string>>();
    for (const delegation of client.delegations ?? []) {
      if (!isValidOrgnr(delegation.consumerOrg)) {
        throw new TypeError(
          `Simulator client ${client.clientId}: a delegation's consumerOrg is not a valid orgnr`,
        );
      }
      delegations.set(delegation.consumerOrg, new Set(delegation.scopes));
    }
    this.clients.set(client.clientId, {
      client,
      scopes: new Set(client.scopes),
      trustedFingerprints,
      delegations,
      importedKeys: new Map(),
    });
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.clients.get(clientId);
  }

  revokeDelegation(clientId: string, consumerOrg: string): void {
    const registered = this.clients.get(clientId);
    if (!registered) throw new Error(`revokeDelegation: no simulator client ${clientId}`);
    registered.delegations.delete(consumerOrg);
  }
}

export type { RegisteredClient };

/** The client's key for this kid, imported for this alg; undefined when the kid isn't registered. */
export async function keyForKid(
  registered: RegisteredClient,
  kid: string,
  alg: string,
): Promise<VerifyKey | undefined> {
  const cacheKey = `${kid}\0${alg}`;
  const cached = registered.importedKeys.get(cacheKey);
  if (cached) return cached;
  const entry = registered.client.keys.find((key) => key.kid === kid);
  if (!entry) return undefined;
  // The registered JWK may name one alg; Maskinporten lets the grant pick any RS alg for an RSA key.
  const { alg: _ignored, ...jwk } = entry.publicJwk as JWK;
  const key = await importJWK(jwk, alg);
  registered.importedKeys.set(cacheKey, key);
  return key;
}
