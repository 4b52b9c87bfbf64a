// What `leasingtaker simulator --port N` prints: everything a client needs to talk to the running simulator.

import { writeFile } from 'node:fs/promises';
import { API_PATH } from './constants.ts';
import { DEMO_FLEET_OWNER_ORGNR } from './register.ts';
import type { Simulator, SimulatorClient } from './types.ts';

export interface DemoSettings {
  readonly client: SimulatorClient;
  readonly kid: string;
  /** Where the demo client's private key (PKCS#8 PEM) was written. */
  readonly keyFile: string;
}

/** Writes the demo client's private key for a client to read; only the owner may read it. */
export async function writeDemoKeyFile(privateKeyPem: string, keyFile: string): Promise<void> {
  await writeFile(keyFile, privateKeyPem, { mode: 0o600 });
}

export function describeSettings(sim: Simulator, demo: DemoSettings): string {
  const scopes = demo.client.scopes.join(' ');
  const lines = [
    'Simulator for Maskinporten and the Leasingtaker-API (synthetic test data only), listening on 127.0.0.1.',
    '',
    `  Maskinporten issuer (grant aud)  ${sim.issuer}`,
    `  Token endpoint                   ${sim.issuer}token`,
    `  Leasingtaker-API URL             ${sim.apiUrl}`,
    `  API endpoint                     ${sim.apiUrl}${API_PATH}`,
    `  Client id (grant iss)            ${demo.client.clientId}`,
    `  Client organisation              ${demo.client.orgnr}`,
    `  Scope                            ${scopes}`,
    `  Key id (kid)                     ${demo.kid}`,
    `  Private key (PKCS#8 PEM)         ${demo.keyFile}`,
  ];
  for (const delegation of demo.client.delegations ?? []) {
    lines.push(
      `  May act for (consumer_org)       ${delegation.consumerOrg}: ${delegation.scopes.join(' ')}`,
    );
  }
  const faults = sim.faults;
  const active = [
    faults.down ? 'down' : '',
    faults.latencyMs > 0 ? `latency ${faults.latencyMs} ms` : '',
    faults.share503 > 0 ? `503 ${pct(faults.share503)}` : '',
    faults.share429 > 0 ? `429 ${pct(faults.share429)} (Retry-After ${faults.retryAfterSeconds} s)` : '',
    faults.shareDrop > 0
      ? `dropped ${pct(faults.shareDrop)}${faults.dropAfterApply ? ' after applying' : ''}`
      : '',
    faults.shareSlow > 0 ? `slow ${pct(faults.shareSlow)} (${faults.slowMs} ms)` : '',
    faults.shareHuge > 0 ? `huge replies ${pct(faults.shareHuge)} (${faults.hugeBytes} bytes)` : '',
    faults.share500 > 0
      ? `500 ${pct(faults.share500)}${faults.error500AfterApply ? ' after applying' : ''}`
      : '',
  ].filter((text) => text !== '');
  lines.push(`  Faults                           ${active.length > 0 ? active.join(', ') : 'none'}`);
  lines.push(
    '',
    'Test plates: CU10000-CU99999 and EL10000-EL99999 belong to the acting fleet owner; XX plates are unknown;',
    `EI (another owner), EU (owner unidentifiable), LT (already leased), DG (owner ${DEMO_FLEET_OWNER_ORGNR}, via`,
    'consumer_org). Test persons and every merknad: src/simulator/README.md.',
  );
  return lines.join('\n');
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
