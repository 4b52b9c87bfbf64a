import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng, drawFault, faultSettings } from '../../src/simulator/faults.ts';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, callApi, PERSONS } from './helpers.ts';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  const demo = await createDemoClient();
  sim = await startSimulator({ clients: [demo.client], seed: 42 });
  token = await accessToken(sim, demo);
});

afterAll(() => sim.close());

afterEach(() => {
  sim.faults = faultSettings();
  sim.reset();
});

function opprette(kjennemerke: string) {
  return {
    handling: 'OPPRETTE',
    kjennemerke,
    leasingtakerId: { fodselsnummer: PERSONS.seed },
    etternavn: 'Firkant',
  };
}

/** The status of a call, or 'dropped' when the connection was closed without a reply. */
async function statusOf(body: unknown, timeoutMs?: number): Promise<number | 'dropped' | 'timeout'> {
  try {
    const response = await fetch(`${sim.apiUrl}/ws/no/vegvesen/kjoretoy/felles/innmelding/leasingtaker`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return 'timeout';
    return 'dropped';
  }
}

describe('fault injection', () => {
  it('honours the shares roughly over 200 calls, and repeats the same run with the same seed', async () => {
    const run = async () => {
      sim.reset();
      sim.faults = faultSettings({ share503: 0.2, share429: 0.1, shareDrop: 0.1 });
      const statuses: (number | string)[] = [];
      for (let i = 0; i < 200; i++) statuses.push(await statusOf(opprette(`CU${10000 + i}`)));
      return statuses;
    };
    const first = await run();
    const count = (status: number | string) => first.filter((s) => s === status).length;
    expect(count(503)).toBeGreaterThan(20);
    expect(count(503)).toBeLessThan(60);
    expect(count(429)).toBeGreaterThan(8);
    expect(count(429)).toBeLessThan(35);
    expect(count('dropped')).toBeGreaterThan(8);
    expect(count('dropped')).toBeLessThan(35);
    expect(count(200)).toBe(200 - count(503) - count(429) - count('dropped'));
    expect(sim.calls.filter((call) => call.status === 'dropped')).toHaveLength(count('dropped'));
    expect(await run()).toEqual(first);
  });

  it('answers 429 with Retry-After', async () => {
    sim.faults = faultSettings({ share429: 1, retryAfterSeconds: 7 });
    const reply = await callApi(sim, token, opprette('CU10001'));
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
  });

  it('answers every call 503 while down, before looking at the token', async () => {
    sim.faults.down = true;
    expect((await callApi(sim, token, opprette('CU10001'))).status).toBe(503);
    expect((await callApi(sim, undefined, opprette('CU10001'))).status).toBe(503);
    sim.faults.down = false;
    expect((await callApi(sim, token, opprette('CU10001'))).status).toBe(200);
  });

  it('destroys the socket on a drop, without applying the change by default', async () => {
    sim.faults = faultSettings({ shareDrop: 1 });
    expect(await statusOf(opprette('CU10001'))).toBe('dropped');
    expect(sim.calls.at(-1)).toMatchObject({ endpoint: 'api', status: 'dropped' });
    sim.faults.shareDrop = 0;
    const retry = await callApi(sim, token, opprette('CU10001'));
    expect(retry.body.entity).toBeDefined();
  });

  it('applies the change before the drop when dropAfterApply is set', async () => {
    sim.faults = faultSettings({ shareDrop: 1, dropAfterApply: true });
    expect(await statusOf(opprette('CU10001'))).toBe('dropped');
    expect(sim.calls.at(-1)).toMatchObject({ status: 'dropped', result: 'ok', kjennemerke: 'CU10001' });
    sim.faults.shareDrop = 0;
    const retry = await callApi(sim, token, opprette('CU10001'));
    expect(retry.body.merknader).toEqual([
      expect.objectContaining({ kode: 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT' }),
    ]);
  });

  it('answers 500 without applying the change by default', async () => {
    sim.faults = faultSettings({ share500: 1 });
    const reply = await callApi(sim, token, opprette('CU10001'));
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ feilkode: 'INTERN_FEIL' });
    expect(sim.calls.at(-1)).toMatchObject({ endpoint: 'api', status: 500, error: 'INTERN_FEIL' });
    expect(sim.calls.at(-1)?.result).toBeUndefined();
    sim.faults.share500 = 0;
    expect((await callApi(sim, token, opprette('CU10001'))).body.entity).toBeDefined();
  });

  it('applies the change before the 500 when error500AfterApply is set', async () => {
    sim.faults = faultSettings({ share500: 1, error500AfterApply: true });
    expect((await callApi(sim, token, opprette('CU10001'))).status).toBe(500);
    expect(sim.calls.at(-1)).toMatchObject({ status: 500, result: 'ok', kjennemerke: 'CU10001' });
    sim.faults.share500 = 0;
    const retry = await callApi(sim, token, opprette('CU10001'));
    expect(retry.body.merknader).toEqual([
      expect.objectContaining({ kode: 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT' }),
    ]);
  });

  it('delays slow calls past a client timeout, and still applies them', async () => {
    sim.faults = faultSettings({ shareSlow: 1, slowMs: 300 });
    expect(await statusOf(opprette('CU10001'), 100)).toBe('timeout');
    await new Promise((resolve) => setTimeout(resolve, 350));
    sim.faults.shareSlow = 0;
    const retry = await callApi(sim, token, opprette('CU10001'));
    expect(retry.body.merknader).toEqual([
      expect.objectContaining({ kode: 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT' }),
    ]);
  });

  it('adds latency to every reply', async () => {
    sim.faults.latencyMs = 80;
    const started = performance.now();
    expect((await callApi(sim, token, opprette('CU10001'))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });
});

describe('fault settings', () => {
  it('refuses shares outside 0..1 or adding up to more than 1', () => {
    expect(() => faultSettings({ share503: 1.5 })).toThrow(RangeError);
    expect(() => faultSettings({ share503: 0.6, shareDrop: 0.5 })).toThrow(RangeError);
    expect(() => faultSettings({ slowMs: -1 })).toThrow(RangeError);
    expect(() => {
      sim.faults = { ...sim.faults, share429: 2 };
    }).toThrow(RangeError);
  });

  it('draws one band per call, in the order 503, 429, drop, slow, 500', () => {
    const settings = faultSettings({
      share503: 0.2,
      share429: 0.2,
      shareDrop: 0.2,
      shareSlow: 0.2,
      share500: 0.2,
    });
    const draws = [0.1, 0.3, 0.5, 0.7, 0.9];
    expect(draws.map((r) => drawFault(settings, () => r))).toEqual(['503', '429', 'drop', 'slow', '500']);
    expect(() => faultSettings({ share503: 0.6, share500: 0.5 })).toThrow(RangeError);
    expect(drawFault(faultSettings(), () => 0)).toBe('none');
  });

  it('repeats a sequence for a seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(first.every((r) => r >= 0 && r < 1)).toBe(true);
  });
});
