import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../src/api/classify.ts';

const okBody = {
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
      somethingNew: 'ignored',
    },
    leasingtakerId: { fodselsnummer: '63888700414' },
    leasingtakerNavn: 'LEDENDE FIRKANT',
  },
  alsoNew: true,
};

describe('classifyReply', () => {
  it('reads the documented success reply, with the API spelling handelsebetegnelse, and ignores unknown fields', () => {
    expect(classifyReply(200, okBody)).toEqual({
      kind: 'ok',
      entity: {
        kuid: '3378041341',
        kjennemerke: 'CU10001',
        understellsnummer: 'TESTSISDINKY00004',
        merke: 'OPEL',
        merkeKode: '4350',
        handelsbetegnelse: 'ASTRA',
        forstegangRegistrertDato: '04.11.2019',
        karosserifargeKode: 'Hvit',
        leasingtakerNavn: 'LEDENDE FIRKANT',
      },
    });
  });

  it('keeps no fødselsnummer from the reply', () => {
    expect(JSON.stringify(classifyReply(200, okBody))).not.toContain('63888700414');
  });

  it('accepts an entity with fields missing and numbers where strings were expected', () => {
    expect(classifyReply(200, { entity: { kjoretoy: { kuid: 3378041341 } } })).toEqual({
      kind: 'ok',
      entity: { kuid: '3378041341' },
    });
    expect(classifyReply(200, { entity: {} })).toEqual({ kind: 'ok', entity: {} });
  });

  it.each([
    ['a documented code', [{ kode: 'EIER_KAN_IKKE_IDENTIFISERES', beskrivelse: 'string' }]],
    ['an unknown code', [{ kode: 'HELT_NY_KODE', beskrivelse: 'Ny' }]],
    [
      'several codes',
      [
        { kode: 'A', beskrivelse: 'a' },
        { kode: 'B', beskrivelse: 'b' },
      ],
    ],
  ])('treats HTTP 200 with %s in merknader as stopped', (_, merknader) => {
    expect(classifyReply(200, { merknader })).toEqual({ kind: 'stopped', merknader });
  });

  it('treats merknader as stopped even when an entity came along', () => {
    expect(classifyReply(200, { ...okBody, merknader: [{ kode: 'X', beskrivelse: 'x' }] }).kind).toBe(
      'stopped',
    );
  });

  it('fills in a merknad without code or text, and masks a fødselsnummer in its text', () => {
    expect(
      classifyReply(200, { merknader: [{}, { kode: 'X', beskrivelse: 'Person 63888700414 finnes ikke' }] }),
    ).toEqual({
      kind: 'stopped',
      merknader: [
        { kode: 'UKJENT', beskrivelse: '' },
        { kode: 'X', beskrivelse: 'Person 638887***** finnes ikke' },
      ],
    });
  });

  it.each([
    ['an empty object', {}],
    ['empty merknader', { merknader: [] }],
    ['a body that was not JSON', undefined],
    ['an array', [1, 2]],
  ])('fails HTTP 200 with %s as an unexpected reply', (_, body) => {
    expect(classifyReply(200, body)).toEqual({
      kind: 'failed',
      status: 200,
      code: 'UNEXPECTED_REPLY',
      message: 'HTTP 200 uten entity og uten merknader',
    });
  });

  it.each([429, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(classifyReply(status, undefined)).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
  });

  it('marks HTTP 401 for a token refresh', () => {
    expect(classifyReply(401, { error: 'invalid_token' })).toEqual({ kind: 'unauthorized' });
  });

  it.each([400, 403, 404, 405, 409, 415, 422, 500, 501, 201, 204, 302, 418, 599])(
    'fails HTTP %i without retry, keeping the status',
    (status) => {
      expect(classifyReply(status, undefined)).toEqual({
        kind: 'failed',
        status,
        code: `HTTP_${status}`,
        message: `HTTP ${status}`,
      });
    },
  );

  it('takes code and text from an error body, masking a fødselsnummer', () => {
    expect(
      classifyReply(400, { kode: 'UGYLDIG_FORESPORSEL', melding: 'Ugyldig fodselsnummer 63888700414' }),
    ).toEqual({
      kind: 'failed',
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
      message: 'HTTP 400: Ugyldig fodselsnummer 638887*****',
    });
  });

  it("reads the simulator's error body (feilkode and feil)", () => {
    const body = {
      status: 400,
      feilkode: 'UGYLDIG_FORESPORSEL',
      feil: [
        { felt: 'kjennemerke', melding: 'Må være store bokstaver' },
        { felt: '', melding: 'Ugyldig JSON' },
      ],
    };
    expect(classifyReply(400, body)).toEqual({
      kind: 'failed',
      status: 400,
      code: 'UGYLDIG_FORESPORSEL',
      message: 'HTTP 400: kjennemerke: Må være store bokstaver; Ugyldig JSON',
    });
  });
});
