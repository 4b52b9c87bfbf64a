import type { JsonWebKey } from 'node:crypto';

/** A Maskinporten client as registered in Samarbeidsportalen, plus its Altinn delegations. */
export interface SimulatorClient {
  /** Maskinporten client id, the grant's `iss` (a UUID-like string). */
  clientId: string;
  /** The client's own organisation (9 digits, valid mod-11): the acting fleet owner without consumer_org. */
  orgnr: string;
  /** Scopes granted to the client itself, e.g. ['svv:kjoretoy/leasingtaker']. */
  scopes: string[];
  /** Registered public keys, for grants signed with a `kid` header. */
  keys: { kid: string; publicJwk: JsonWebKey }[];
  /** PEM leaf certificates (virksomhetssertifikat) accepted for grants with an `x5c` header. */
  trustedCertificates?: string[];
  /**
   * Altinn delegations: the fleet owners (`consumer_org`) this client may act for, and the (delegated) scopes
   * each owner delegated, e.g. ['svv:kjoretoy/leasingtaker.delegert'].
   */
  delegations?: { consumerOrg: string; scopes: string[] }[];
}

/**
 * API faults. One random draw per API call picks at most one of 503, 429, drop, slow and 500, in that order of
 * bands, so the shares add up (their sum must be at most 1). `down` and `latencyMs` apply to every call.
 */
export interface FaultSettings {
  /** Added to every API reply (and before a drop). Default 0. */
  latencyMs: number;
  /** Share (0..1) of API calls answered 503. */
  share503: number;
  /** Share (0..1) of API calls whose socket is destroyed without a reply, after the request was read. */
  shareDrop: number;
  /**
   * Whether a dropped call is processed (state changed, if the request would succeed) before the socket is
   * destroyed, as when a connection resets after the server applied the change. Default false: not applied.
   */
  dropAfterApply: boolean;
  /** Share (0..1) of API calls delayed by `slowMs`; they are still processed, after the delay. */
  shareSlow: number;
  /** Delay of a slow call, to exceed client timeouts. Default 10000. */
  slowMs: number;
  /** Share (0..1) of API calls answered 429 with `Retry-After: retryAfterSeconds`. */
  share429: number;
  /** Default 1. */
  retryAfterSeconds: number;
  /** Every API call answered 503 (for circuit-breaker tests). Default false. */
  down: boolean;
  /**
   * Share (0..1) of API calls processed as usual (the change is made) and answered with the real reply padded
   * with spaces to `hugeBytes`, chunked, without a Content-Length: a reply no client should read whole.
   */
  shareHuge: number;
  /** Size of such a reply. Default 50 MiB. */
  hugeBytes: number;
  /** Share (0..1) of API calls answered 500 `{"feilkode": "INTERN_FEIL"}`. */
  share500: number;
  /**
   * Whether a 500 comes after the request was processed (state changed, if the request would succeed), as when
   * the backend commits and then fails writing its reply. Default false: nothing changed.
   */
  error500AfterApply: boolean;
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Registered clients. Default none: see createDemoClient. */
  clients?: SimulatorClient[];
  /** `expires_in` of issued tokens. Default 120. */
  tokenLifetimeSeconds?: number;
  faults?: Partial<FaultSettings>;
  /** Seed of the fault RNG, so runs are repeatable. Default 1; `reset()` reseeds. */
  seed?: number;
  /** Accepted distance between a grant's `iat` and the simulator's clock. Default 10. */
  clockSkewSeconds?: number;
  /** The simulator's clock in epoch milliseconds (tests move it instead of sleeping). Default Date.now. */
  now?: () => number;
  /**
   * The API's scope: tokens must carry it or it plus DELEGATED_SCOPE_SUFFIX. Default DEFAULT_SCOPE (the scope
   * name is a guess, so a client configured otherwise can be matched).
   */
  apiScope?: string;
  /**
   * When set, the API requires an audience-restricted token: the grant's `resource` must include this value
   * (Statens vegvesen's APIs ask for one). Default: not checked.
   */
  apiResource?: string;
  /** Keep a CallRecord per call in `calls`. Default true; turn off for long benchmarks. */
  recordCalls?: boolean;
}

export interface CallRecord {
  seq: number;
  /** Epoch milliseconds on the simulator's clock when the reply was sent (or the socket dropped). */
  at: number;
  endpoint: 'token' | 'api';
  status: number | 'dropped';
  clientId?: string;
  consumerOrg?: string;
  kjennemerke?: string;
  handling?: string;
  /** API business result: ok (changed), stopped (merknader), rejected (400/401/403/415). */
  result?: 'ok' | 'stopped' | 'rejected';
  merknadKoder?: string[];
  /** OAuth error code of a refused token call, or the API's error code. */
  error?: string;
  // Never the fødselsnummer or the organisasjonsnummer of a lessee: the log must be safe to print.
}

export interface Simulator {
  readonly port: number;
  /** `http://127.0.0.1:<port>/`: the token endpoint is `${issuer}token`, and grants' `aud` must equal it. */
  readonly issuer: string;
  /** `http://127.0.0.1:<port>`: the API is at `${apiUrl}${API_PATH}`. */
  readonly apiUrl: string;
  readonly calls: readonly CallRecord[];
  /** Live: change fields, or assign a new object (validated, missing fields take defaults). */
  faults: FaultSettings;
  /** Every access token issued, for leak tests. */
  issuedTokens(): readonly string[];
  /** Registers a client, replacing one with the same clientId. Throws on an invalid orgnr or certificate. */
  addClient(client: SimulatorClient): void;
  /** New grants with this consumer_org are refused; tokens already issued stay valid until they expire. */
  revokeDelegation(clientId: string, consumerOrg: string): void;
  /** Clears calls and per-plate state, and reseeds the fault RNG. Clients, tokens and used jti stay. */
  reset(): void;
  close(): Promise<void>;
}
