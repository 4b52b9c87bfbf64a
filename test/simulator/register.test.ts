import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/simulator/api-endpoint.ts';
import { MERKNAD_CODES } from '../../src/simulator/codes.ts';
import {
  isKnownOrganisation,
  isKnownPerson,
  isValidOrgnr,
  personName,
} from '../../src/simulator/identity.ts';
import { findVehicle, PLATE_SERIES, PlateRegister } from '../../src/simulator/register.ts';
import { ORGS, PERSONS } from '../support/simulator-requests.ts';

describe('test persons and organisations', () => {
  it.each([
    [PERSONS.seed, true],
    [PERSONS.other, true],
    [PERSONS.nameMismatch, true],
    [PERSONS.unidentifiable, false],
    [PERSONS.badControlDigit, false],
    ['63888700422', false], // k2 right, k1 off (the 2032 rule): no such person exists yet
    ['00000000000', false], // control digits fine, date impossible
    ['6388870041', false],
  ])('knows person %s: %s', (fnr, known) => {
    expect(isKnownPerson(fnr)).toBe(known);
  });

  it.each([
    [ORGS.lessee, true, true],
    [ORGS.unidentifiable, true, false],
    [ORGS.badControlDigit, false, false],
  ])('organisasjonsnummer %s: valid %s, known %s', (orgnr, valid, known) => {
    expect(isValidOrgnr(orgnr)).toBe(valid);
    expect(isKnownOrganisation(orgnr)).toBe(known);
  });

  it("names the seed page's person as the seed page does", () => {
    expect(personName(PERSONS.seed, 'Firkant')).toBe('LEDENDE FIRKANT');
  });
});

describe('vehicle register', () => {
  it('derives the same vehicle from the same plate, distinct per plate', () => {
    expect(findVehicle('CU54321')).toEqual(findVehicle('CU54321'));
    const kuids = new Set(
      ['CU54321', 'CU54322', 'EL54321', 'DG54321'].map((p) => findVehicle(p)?.kjoretoy.kuid),
    );
    expect(kuids.size).toBe(4);
    const vehicle = findVehicle('EL54321')?.kjoretoy;
    expect(vehicle?.understellsnummer).toMatch(/^TESTSIS[A-Z0-9]{10}$/);
    expect(vehicle?.kuid).toMatch(/^\d{10}$/);
    expect(vehicle?.forstegangRegistrertDato).toMatch(/^\d\d\.\d\d\.\d{4}$/);
  });

  it.each(['XX12345', 'CU09999', 'CU1000', 'AB12345', 'LEASING', ''])('knows no vehicle %j', (plate) => {
    expect(findVehicle(plate)).toBeUndefined();
  });

  it('has every series prefix once', () => {
    const prefixes = PLATE_SERIES.map((series) => series.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('keeps state per plate and forgets it on clear', () => {
    const register = new PlateRegister();
    const command = {
      handling: 'OPPRETTE',
      kjennemerke: 'CU10001',
      leasingtakerId: { organisasjonsnummer: ORGS.lessee },
    } as const;
    expect(register.apply(command, '310123455').kind).toBe('ok');
    expect(register.apply(command, '310123455').kind).toBe('stopped');
    register.clear();
    expect(register.apply(command, '310123455').kind).toBe('ok');
  });
});

describe('merknad codes', () => {
  it('marks exactly the "already so" codes', () => {
    const alreadySo = Object.entries(MERKNAD_CODES)
      .filter(([, definition]) => definition.alreadySo)
      .map(([kode]) => kode);
    expect(alreadySo.sort()).toEqual(['INGEN_AKTIV_LEASINGTAKER', 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT']);
  });

  it('has a Norwegian beskrivelse and an upper-case code for every merknad', () => {
    for (const [kode, definition] of Object.entries(MERKNAD_CODES)) {
      expect(kode).toMatch(/^[A-Z_]+$/);
      expect(definition.beskrivelse).toMatch(/\.$/);
    }
  });
});

describe('request shape', () => {
  it('lists every problem, not just the first', () => {
    const parsed = parseCommand({ handling: 'X', kjennemerke: 1, leasingtakerId: {}, extra: true });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.feil.map((f) => f.felt).sort()).toEqual([
        'extra',
        'handling',
        'kjennemerke',
        'leasingtakerId',
      ]);
    }
  });
});
