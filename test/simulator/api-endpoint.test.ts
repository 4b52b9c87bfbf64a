import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_PATH, DEFAULT_SCOPE, DELEGATED_SCOPE_SUFFIX } from '../../src/simulator/constants.ts';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { DEMO_FLEET_OWNER_ORGNR, INITIAL_LESSEE_ORGNR } from '../../src/simulator/register.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, callApi, ORGS, PERSONS } from './helpers.ts';

type Demo = Awaited<ReturnType<typeof createDemoClient>>;

const DELEGATED = DEFAULT_SCOPE + DELEGATED_SCOPE_SUFFIX;
let clock = Date.now();
let sim: Simulator;
let demo: Demo;
let supplier: Demo;
let token: string;

beforeAll(async () => {
  [demo, supplier] = await Promise.all([
    createDemoClient(),
    createDemoClient({
      orgnr: '910000004',
      scopes: ['svv:kjoretoy/kjoretoyopplysninger'],
      delegations: [{ consumerOrg: DEMO_FLEET_OWNER_ORGNR, scopes: [DELEGATED] }],
    }),
  ]);
  sim = await startSimulator({ clients: [demo.client, supplier.client], now: () => clock });
  token = await accessToken(sim, demo, { nowSeconds: Math.floor(clock / 1000) });
});

afterAll(() => sim.close());

beforeEach(() => sim.reset());

const seedRequest = {
  handling: 'OPPRETTE',
  kjennemerke: 'CU10001',
  leasingtakerId: { fodselsnummer: PERSONS.seed },
  etternavn: 'Firkant',
};

function request(handling: 'OPPRETTE' | 'AVSLUTTE', kjennemerke: string, id: object, etternavn?: string) {
  return { handling, kjennemerke, leasingtakerId: id, ...(etternavn ? { etternavn } : {}) };
}

async function merknadKoder(body: unknown, bearer = token): Promise<unknown> {
  const reply = await callApi(sim, bearer, body);
  expect(reply.status).toBe(200);
  return (reply.body.merknader as { kode: string }[] | undefined)?.map((m) => m.kode) ?? 'ok';
}

describe('Leasingtaker-API: access', () => {
  it('answers 401 with a Bearer challenge without a token and with an unknown one', async () => {
    for (const bearer of [undefined, 'not-issued-by-the-simulator']) {
      const reply = await callApi(sim, bearer, seedRequest);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    expect(sim.calls.map((call) => call.result)).toEqual(['rejected', 'rejected']);
  });

  it('answers 401 once the token has expired, on the injected clock', async () => {
    const shortLived = await accessToken(sim, demo, { nowSeconds: Math.floor(clock / 1000) });
    expect((await callApi(sim, shortLived, seedRequest)).status).toBe(200);
    clock += 120_000;
    try {
      const reply = await callApi(sim, shortLived, seedRequest);
      expect(reply.status).toBe(401);
      expect(reply.body.error_description).toBe('The access token expired');
    } finally {
      clock -= 120_000;
    }
  });

  it('answers 403 to a token without the leasingtaker scope', async () => {
    const other = await createDemoClient({ scopes: ['svv:kjoretoy/kjoretoyopplysninger'] });
    sim.addClient(other.client);
    const bearer = await accessToken(sim, other, {
      nowSeconds: Math.floor(clock / 1000),
      claims: { scope: 'svv:kjoretoy/kjoretoyopplysninger' },
    });
    const reply = await callApi(sim, bearer, seedRequest);
    expect(reply.status).toBe(403);
    expect(reply.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('answers 405 to other methods and 415 to other content types', async () => {
    expect((await callApi(sim, token, undefined, { method: 'GET' })).status).toBe(405);
    expect((await callApi(sim, token, 'handling=OPPRETTE', { contentType: 'text/plain' })).status).toBe(415);
  });

  it('requires an audience-restricted token when apiResource is set', async () => {
    const strict = await startSimulator({
      clients: [demo.client],
      apiResource: 'https://www.utv.vegvesen.no',
    });
    try {
      const plain = await accessToken(strict, demo);
      expect((await callApi(strict, plain, seedRequest)).status).toBe(401);
      const restricted = await accessToken(strict, demo, {
        claims: { resource: ['https://www.utv.vegvesen.no'] },
      });
      expect((await callApi(strict, restricted, seedRequest)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('Leasingtaker-API: request shape', () => {
  const person = { fodselsnummer: PERSONS.seed };
  it.each([
    ['invalid JSON', '{"handling":'],
    ['an array', [seedRequest]],
    ['an unknown handling', { ...seedRequest, handling: 'ENDRE' }],
    ['a missing kjennemerke', { ...seedRequest, kjennemerke: undefined }],
    ['a number as kjennemerke', { ...seedRequest, kjennemerke: 10001 }],
    ['a kjennemerke not normalised', { ...seedRequest, kjennemerke: 'cu 10001' }],
    ['both identifiers', { ...seedRequest, leasingtakerId: { ...person, organisasjonsnummer: ORGS.lessee } }],
    ['no identifier', { ...seedRequest, leasingtakerId: {} }],
    ['an unknown identifier', { ...seedRequest, leasingtakerId: { ...person, dnummer: '1' } }],
    ['a fødselsnummer of 10 digits', { ...seedRequest, leasingtakerId: { fodselsnummer: '3888700414' } }],
    ['a fødselsnummer as a number', { ...seedRequest, leasingtakerId: { fodselsnummer: 63888700414 } }],
    [
      'an organisasjonsnummer of 8 digits',
      request('OPPRETTE', 'CU10001', { organisasjonsnummer: '91234568' }),
    ],
    ['a person without etternavn', { ...seedRequest, etternavn: undefined }],
    ['a blank etternavn', { ...seedRequest, etternavn: '  ' }],
    ['an unknown top-level field', { ...seedRequest, fornavn: 'Ledende' }],
  ])('answers 400 to %s, without echoing the identifier', async (_name, body) => {
    const reply = await callApi(sim, token, body);
    expect(reply.status).toBe(400);
    expect(reply.body.feilkode).toBe('UGYLDIG_FORESPORSEL');
    expect((reply.body.feil as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(reply.body)).not.toContain('3888700414');
  });

  it('accepts an organisation as lessee without etternavn', async () => {
    const reply = await callApi(
      sim,
      token,
      request('OPPRETTE', 'EL20000', { organisasjonsnummer: ORGS.lessee }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.entity).toMatchObject({
      leasingtakerId: { organisasjonsnummer: ORGS.lessee },
      leasingtakerNavn: expect.stringMatching(/ AS$/),
    });
  });
});

describe('Leasingtaker-API: business rules', () => {
  it("answers the seed page's request with the seed page's reply", async () => {
    const reply = await callApi(sim, token, seedRequest);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      entity: {
        kjoretoy: {
          kuid: '3378041341',
          kjennemerke: 'CU10001',
          understellsnummer: 'TESTSISDINKY00004',
          merke: 'OPEL',
          merkeKode: '4350',
          handelsebetegnelse: 'ASTRA',
          forstegangRegistrertDato: '04.11.2019',
          karosserifargeKode: 'Hvit',
        },
        leasingtakerId: { fodselsnummer: PERSONS.seed },
        leasingtakerNavn: 'LEDENDE FIRKANT',
      },
    });
  });

  it.each([
    [
      'an unknown plate',
      request('OPPRETTE', 'XX12345', { fodselsnummer: PERSONS.seed }, 'Firkant'),
      'KJORETOY_IKKE_FUNNET',
    ],
    [
      'a personalised plate',
      request('OPPRETTE', 'LEASING', { fodselsnummer: PERSONS.seed }, 'Firkant'),
      'KJORETOY_IKKE_FUNNET',
    ],
    [
      'an owner that cannot be identified',
      request('OPPRETTE', 'EU10001', { organisasjonsnummer: ORGS.lessee }),
      'EIER_KAN_IKKE_IDENTIFISERES',
    ],
    [
      'a vehicle of another owner',
      request('OPPRETTE', 'EI10001', { organisasjonsnummer: ORGS.lessee }),
      'KJORETOY_IKKE_EID_AV_FLATEEIER',
    ],
    [
      'a delegation plate without consumer_org',
      request('OPPRETTE', 'DG10001', { organisasjonsnummer: ORGS.lessee }),
      'KJORETOY_IKKE_EID_AV_FLATEEIER',
    ],
    [
      'a fødselsnummer with a wrong control digit',
      request('OPPRETTE', 'CU10002', { fodselsnummer: PERSONS.badControlDigit }, 'Firkant'),
      'LEASINGTAKER_KAN_IKKE_IDENTIFISERES',
    ],
    [
      'a person with individnummer 999',
      request('OPPRETTE', 'CU10002', { fodselsnummer: PERSONS.unidentifiable }, 'Firkant'),
      'LEASINGTAKER_KAN_IKKE_IDENTIFISERES',
    ],
    [
      'an organisasjonsnummer failing mod-11',
      request('OPPRETTE', 'CU10002', { organisasjonsnummer: ORGS.badControlDigit }),
      'LEASINGTAKER_KAN_IKKE_IDENTIFISERES',
    ],
    [
      'an organisasjonsnummer starting with 8',
      request('OPPRETTE', 'CU10002', { organisasjonsnummer: ORGS.unidentifiable }),
      'LEASINGTAKER_KAN_IKKE_IDENTIFISERES',
    ],
    [
      'a person with individnummer 998',
      request('OPPRETTE', 'CU10002', { fodselsnummer: PERSONS.nameMismatch }, 'Firkant'),
      'LEASINGTAKER_NAVN_STEMMER_IKKE',
    ],
    [
      'a plate already leased (LT)',
      request('OPPRETTE', 'LT10001', { fodselsnummer: PERSONS.seed }, 'Firkant'),
      'KJORETOY_HAR_ANNEN_LEASINGTAKER',
    ],
    [
      'AVSLUTTE of another lessee than the LT one',
      request('AVSLUTTE', 'LT10001', { fodselsnummer: PERSONS.seed }, 'Firkant'),
      'LEASINGTAKER_STEMMER_IKKE',
    ],
    [
      'AVSLUTTE without a lessee',
      request('AVSLUTTE', 'CU10003', { fodselsnummer: PERSONS.seed }, 'Firkant'),
      'INGEN_AKTIV_LEASINGTAKER',
    ],
  ])('stops %s with a merknad', async (_name, body, kode) => {
    expect(await merknadKoder(body)).toEqual([kode]);
    expect(sim.calls.at(-1)).toMatchObject({ result: 'stopped', merknadKoder: [kode] });
  });

  it('registers, refuses duplicates and conflicts, and ends a lease', async () => {
    const plate = 'EL54321';
    const seed = { fodselsnummer: PERSONS.seed };
    const other = { fodselsnummer: PERSONS.other };
    expect(await merknadKoder(request('AVSLUTTE', plate, seed, 'Firkant'))).toEqual([
      'INGEN_AKTIV_LEASINGTAKER',
    ]);
    expect(await merknadKoder(request('OPPRETTE', plate, seed, 'Firkant'))).toBe('ok');
    expect(await merknadKoder(request('OPPRETTE', plate, seed, 'FIRKANT'))).toEqual([
      'LEASINGTAKER_ER_ALLEREDE_REGISTRERT',
    ]);
    expect(await merknadKoder(request('OPPRETTE', plate, other, 'Trekant'))).toEqual([
      'KJORETOY_HAR_ANNEN_LEASINGTAKER',
    ]);
    expect(await merknadKoder(request('AVSLUTTE', plate, other, 'Trekant'))).toEqual([
      'LEASINGTAKER_STEMMER_IKKE',
    ]);

    const ended = await callApi(sim, token, request('AVSLUTTE', plate, seed, 'Firkant'));
    expect(ended.body.entity).toMatchObject({ kjoretoy: { kjennemerke: plate }, leasingtakerId: seed });
    expect(await merknadKoder(request('AVSLUTTE', plate, seed, 'Firkant'))).toEqual([
      'INGEN_AKTIV_LEASINGTAKER',
    ]);
    expect(await merknadKoder(request('OPPRETTE', plate, other, 'Trekant'))).toBe('ok');

    expect(sim.calls.map((call) => call.result)).toEqual([
      'stopped',
      'ok',
      'stopped',
      'stopped',
      'stopped',
      'ok',
      'stopped',
      'ok',
    ]);
  });

  it('ends the initial lessee of an LT plate, then accepts a new one', async () => {
    const initial = { organisasjonsnummer: INITIAL_LESSEE_ORGNR };
    expect(await merknadKoder(request('AVSLUTTE', 'LT20002', initial))).toBe('ok');
    expect(
      await merknadKoder(request('OPPRETTE', 'LT20002', { fodselsnummer: PERSONS.seed }, 'Firkant')),
    ).toBe('ok');
  });

  it('checks ownership against consumer_org for a delegated token', async () => {
    const delegated = await accessToken(sim, supplier, {
      nowSeconds: Math.floor(clock / 1000),
      claims: { scope: DELEGATED, consumer_org: DEMO_FLEET_OWNER_ORGNR },
    });
    const body = request('OPPRETTE', 'DG10001', { fodselsnummer: PERSONS.seed }, 'Firkant');
    expect(await merknadKoder(body, delegated)).toBe('ok');
    expect(
      await merknadKoder(request('OPPRETTE', 'CU20000', { organisasjonsnummer: ORGS.lessee }), delegated),
    ).toBe('ok');
    expect(
      await merknadKoder(request('OPPRETTE', 'EI20000', { organisasjonsnummer: ORGS.lessee }), delegated),
    ).toEqual(['KJORETOY_IKKE_EID_AV_FLATEEIER']);
    expect(sim.calls.at(-1)).toMatchObject({
      clientId: supplier.client.clientId,
      consumerOrg: DEMO_FLEET_OWNER_ORGNR,
    });
  });

  it('reset() clears the per-plate state and the call log', async () => {
    expect(await merknadKoder(seedRequest)).toBe('ok');
    expect(await merknadKoder(seedRequest)).toEqual(['LEASINGTAKER_ER_ALLEREDE_REGISTRERT']);
    sim.reset();
    expect(sim.calls).toEqual([]);
    expect(await merknadKoder(seedRequest)).toBe('ok');
    expect(sim.calls[0]?.seq).toBe(1);
  });

  it('logs every call without any fødselsnummer or lessee organisasjonsnummer', async () => {
    for (const fnr of Object.values(PERSONS)) {
      await callApi(sim, token, request('OPPRETTE', 'CU30000', { fodselsnummer: fnr }, 'Firkant'));
    }
    await callApi(sim, token, request('OPPRETTE', 'CU30001', { organisasjonsnummer: ORGS.lessee }));
    await callApi(sim, token, { ...seedRequest, kjennemerke: 'bad plate' });
    expect(sim.calls).toHaveLength(Object.values(PERSONS).length + 2);
    expect(sim.calls[0]).toMatchObject({
      endpoint: 'api',
      status: 200,
      kjennemerke: 'CU30000',
      handling: 'OPPRETTE',
    });
    const log = JSON.stringify(sim.calls);
    for (const id of [...Object.values(PERSONS), ORGS.lessee]) expect(log).not.toContain(id);
  });

  it('answers 404 outside the API path', async () => {
    expect((await fetch(`${sim.apiUrl}${API_PATH}/extra`, { method: 'POST' })).status).toBe(404);
  });
});
