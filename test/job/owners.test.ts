import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FLEET_OWNER_ORGNR, OTHER_OWNER_ORGNR } from '../../src/simulator/register.ts';
import { type Harness, useHarness } from '../support/harness.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 12, month: 3, year: 1971, individ: 45 });
const HEADER = 'Kjennemerke;Handling;Fødselsnummer;Etternavn';

function drop(harness: Harness, owner: string, name: string, plates: string[]): void {
  const folder = owner ? join(harness.inbox, owner) : harness.inbox;
  mkdirSync(folder, { recursive: true });
  const lines = [HEADER, ...plates.map((plate) => `${plate};OPPRETTE;${PERSON};Firkant`)];
  writeFileSync(join(folder, name), `${lines.join('\n')}\n`);
}

const plates = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

describe('several fleet owners in one installation', () => {
  const harness = useHarness();

  it("sends an owner's folder with a token for that owner, and keeps its reports and archive apart", async () => {
    drop(harness, DEMO_FLEET_OWNER_ORGNR, 'flate.csv', plates('DG', 10001, 3));
    drop(harness, '', 'egen.csv', plates('CU', 10001, 2));
    const result = await harness.run();
    expect(result.exitCode).toBe(0);

    const byName = new Map(result.files.map((file) => [file.name, file]));
    // DG plates belong to the fleet owner: they go through only when we act for it.
    expect(byName.get('flate.csv')?.counts).toMatchObject({ rows: 3, ok: 3 });
    expect(byName.get('egen.csv')?.counts).toMatchObject({ rows: 2, ok: 2 });

    const tokenCalls = harness.local.sim.calls.filter(
      (call) => call.endpoint === 'token' && call.status === 200,
    );
    expect(tokenCalls.map((call) => call.consumerOrg ?? '')).toEqual(
      expect.arrayContaining([DEMO_FLEET_OWNER_ORGNR, '']),
    );
    const ownerApiCalls = harness.local.sim.calls.filter(
      (call) => call.endpoint === 'api' && call.kjennemerke?.startsWith('DG'),
    );
    expect(ownerApiCalls.every((call) => call.consumerOrg === DEMO_FLEET_OWNER_ORGNR)).toBe(true);

    const ownerReports = readdirSync(join(harness.reports, DEMO_FLEET_OWNER_ORGNR));
    expect(ownerReports.some((name) => name.startsWith('flate.') && name.endsWith('.xlsx'))).toBe(true);
    expect(readdirSync(harness.reports).some((name) => name.startsWith('flate.'))).toBe(false);
    expect(readdirSync(join(harness.archive, DEMO_FLEET_OWNER_ORGNR)).length).toBe(1);
  });

  it('stops only the owner whose delegation is missing, with the reason in its report', async () => {
    drop(harness, OTHER_OWNER_ORGNR, 'uten-delegering.csv', plates('EI', 10001, 2));
    drop(harness, '', 'egen.csv', plates('CU', 10001, 2));
    const result = await harness.run();
    expect(result.exitCode).toBe(2);

    const byName = new Map(result.files.map((file) => [file.name, file]));
    expect(byName.get('egen.csv')?.counts).toMatchObject({ rows: 2, ok: 2 });
    const refused = byName.get('uten-delegering.csv');
    expect(refused?.status).toBe('interrupted');
    expect(refused?.counts).toMatchObject({ rows: 2, ok: 0, failed: 2, pending: 2 });
    const summary = JSON.parse(readFileSync(refused?.reports.summary ?? '', 'utf8'));
    expect(summary.pending).toBe(2);
    expect(existsSync(refused?.reports.xlsx ?? '')).toBe(true);
    expect(
      harness.local.sim.calls.some((call) => call.endpoint === 'api' && call.kjennemerke?.startsWith('EI')),
    ).toBe(false);
    expect(harness.logs()).toMatch(/delegat/i);
  });

  it("does not let one owner's large file starve another owner's small one", async () => {
    harness.local.sim.faults.latencyMs = 2;
    drop(harness, '', 'stor.csv', plates('CU', 20000, 600));
    drop(harness, DEMO_FLEET_OWNER_ORGNR, 'liten.csv', plates('DG', 10001, 10));
    const result = await harness.run({ LEASINGTAKER_CONCURRENCY: '4' });
    expect(result.files.every((file) => file.counts.failed === 0)).toBe(true);
    const apiCalls = harness.local.sim.calls.filter((call) => call.endpoint === 'api');
    const lastSmall = apiCalls.findLastIndex((call) => call.kjennemerke?.startsWith('DG'));
    // Served in turn: the small file is done long before the large one is halfway.
    expect(lastSmall).toBeGreaterThan(-1);
    expect(lastSmall).toBeLessThan(100);
  });
});
