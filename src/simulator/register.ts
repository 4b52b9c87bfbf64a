// The simulator's vehicle register: deterministic from the plate, so any plate of a test series works without
// configuration, plus the one piece of state that changes (the current lessee of each plate).

import { type Merknad, type MerknadKode, merknad } from './codes.ts';
import {
  isKnownOrganisation,
  isKnownPerson,
  NAME_MISMATCH_INDIVIDNUMMER,
  organisationName,
  personName,
} from './identity.ts';

/** Owns the EI plates: a fleet owner nobody in the demo acts for. */
export const OTHER_OWNER_ORGNR = '310777773';
/** Owns the DG plates: the fleet owner to act for through `consumer_org` in delegation demos and tests. */
export const DEMO_FLEET_OWNER_ORGNR = '310555568';
/** The lessee every LT plate starts with (an organisation, so no personal data is involved). */
export const INITIAL_LESSEE_ORGNR = '311234560';

export type PlateOwner =
  /** Whoever acts: the token's consumer_org, or else the client's own organisation. */
  | { readonly kind: 'acting' }
  | { readonly kind: 'org'; readonly orgnr: string }
  /** The register has an owner it can't identify (EIER_KAN_IKKE_IDENTIFISERES). */
  | { readonly kind: 'unidentifiable' };

export interface PlateSeries {
  /** Two letters; the series is the prefix followed by 5 digits, 10000-99999. */
  readonly prefix: string;
  readonly owner: PlateOwner;
  readonly electric: boolean;
  /** The lessee a plate of this series has until someone ends it; none when absent. */
  readonly initialLesseeOrgnr?: string;
  readonly purpose: string;
}

/** Every plate outside these series (XX12345, personalised plates, 4-digit plates) is unknown. */
export const PLATE_SERIES: readonly PlateSeries[] = [
  { prefix: 'CU', owner: { kind: 'acting' }, electric: false, purpose: 'cars of the acting fleet owner' },
  {
    prefix: 'EL',
    owner: { kind: 'acting' },
    electric: true,
    purpose: 'electric cars of the acting fleet owner',
  },
  {
    prefix: 'EI',
    owner: { kind: 'org', orgnr: OTHER_OWNER_ORGNR },
    electric: false,
    purpose: `cars owned by another organisation (${OTHER_OWNER_ORGNR})`,
  },
  {
    prefix: 'EU',
    owner: { kind: 'unidentifiable' },
    electric: false,
    purpose: "cars whose owner can't be identified",
  },
  {
    prefix: 'DG',
    owner: { kind: 'org', orgnr: DEMO_FLEET_OWNER_ORGNR },
    electric: true,
    purpose: `cars of fleet owner ${DEMO_FLEET_OWNER_ORGNR}, reachable only with consumer_org (delegation)`,
  },
  {
    prefix: 'LT',
    owner: { kind: 'acting' },
    electric: false,
    initialLesseeOrgnr: INITIAL_LESSEE_ORGNR,
    purpose: `cars of the acting fleet owner, already leased to organisation ${INITIAL_LESSEE_ORGNR}`,
  },
];

/** The `kjoretoy` object of a success reply, spelled as the API spells it. */
export interface KjoretoyInfo {
  readonly kuid: string;
  readonly kjennemerke: string;
  readonly understellsnummer: string;
  readonly merke: string;
  readonly merkeKode: string;
  readonly handelsebetegnelse: string;
  readonly forstegangRegistrertDato: string;
  readonly karosserifargeKode: string;
}

export interface Vehicle {
  readonly series: PlateSeries;
  readonly kjoretoy: KjoretoyInfo;
}

interface Make {
  readonly merke: string;
  /** Fictitious, except OPEL's, which is the one on Statens vegvesen's example. */
  readonly merkeKode: string;
  readonly modeller: readonly string[];
}

const FUEL_MAKES: readonly Make[] = [
  { merke: 'OPEL', merkeKode: '4350', modeller: ['ASTRA', 'CORSA', 'INSIGNIA'] },
  { merke: 'VOLKSWAGEN', merkeKode: '6180', modeller: ['GOLF', 'PASSAT', 'TIGUAN'] },
  { merke: 'TOYOTA', merkeKode: '5910', modeller: ['COROLLA', 'RAV4', 'YARIS'] },
  { merke: 'VOLVO', merkeKode: '6250', modeller: ['V60', 'XC60', 'V90'] },
  { merke: 'SKODA', merkeKode: '5320', modeller: ['OCTAVIA', 'SUPERB', 'KODIAQ'] },
];
const ELECTRIC_MAKES: readonly Make[] = [
  { merke: 'TESLA', merkeKode: '5800', modeller: ['MODEL 3', 'MODEL Y'] },
  { merke: 'NISSAN', merkeKode: '4200', modeller: ['LEAF', 'ARIYA'] },
  { merke: 'VOLKSWAGEN', merkeKode: '6180', modeller: ['ID.3', 'ID.4'] },
  { merke: 'HYUNDAI', merkeKode: '2880', modeller: ['KONA', 'IONIQ 5'] },
  { merke: 'POLESTAR', merkeKode: '4720', modeller: ['2', '3'] },
];
const COLOURS = ['Hvit', 'Svart', 'Grå', 'Sølv', 'Blå', 'Rød', 'Grønn'] as const;

/** Statens vegvesen's example reply, reproduced exactly for its plate. */
const SEED_VEHICLE: KjoretoyInfo = {
  kuid: '3378041341',
  kjennemerke: 'CU10001',
  understellsnummer: 'TESTSISDINKY00004',
  merke: 'OPEL',
  merkeKode: '4350',
  handelsebetegnelse: 'ASTRA',
  forstegangRegistrertDato: '04.11.2019',
  karosserifargeKode: 'Hvit',
};

const PLATE_PATTERN = /^([A-Z]{2})(\d{5})$/;

/** The vehicle with this (normalised) plate, or undefined when the register has none. */
export function findVehicle(kjennemerke: string): Vehicle | undefined {
  const match = PLATE_PATTERN.exec(kjennemerke);
  if (!match) return undefined;
  const prefix = match[1] ?? '';
  const seriesIndex = PLATE_SERIES.findIndex((series) => series.prefix === prefix);
  const series = PLATE_SERIES[seriesIndex];
  const n = Number(match[2]);
  if (!series || n < 10000) return undefined;
  if (kjennemerke === SEED_VEHICLE.kjennemerke) return { series, kjoretoy: SEED_VEHICLE };
  const makes = series.electric ? ELECTRIC_MAKES : FUEL_MAKES;
  const make = makes[n % makes.length] ?? FUEL_MAKES[0];
  const modeller = make?.modeller ?? ['ASTRA'];
  const year = (series.electric ? 2019 : 2014) + (n % 7);
  const month = 1 + ((n * 7) % 12);
  const day = 1 + ((n * 13) % 28);
  return {
    series,
    kjoretoy: {
      // Distinct for every plate of every series: (series, number) -> an injective 10-digit number.
      kuid: String(3_000_000_000 + (seriesIndex * 100_000 + n) * 101),
      kjennemerke,
      understellsnummer: `TESTSIS${prefix}${String(n).padStart(8, '0')}`,
      merke: make?.merke ?? 'OPEL',
      merkeKode: make?.merkeKode ?? '4350',
      handelsebetegnelse: modeller[Math.floor(n / makes.length) % modeller.length] ?? 'ASTRA',
      forstegangRegistrertDato: `${pad2(day)}.${pad2(month)}.${year}`,
      karosserifargeKode: COLOURS[Math.floor(n / 7) % COLOURS.length] ?? 'Hvit',
    },
  };
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export type LeasingtakerIdJson =
  | { readonly fodselsnummer: string }
  | { readonly organisasjonsnummer: string };

/** A request body that passed the shape checks. */
export interface LeasingtakerCommand {
  readonly handling: 'OPPRETTE' | 'AVSLUTTE';
  readonly kjennemerke: string;
  readonly leasingtakerId: LeasingtakerIdJson;
  readonly etternavn?: string;
}

interface Lessee {
  /** Identity only: the same person with the surname spelled differently is the same lessee. */
  readonly key: string;
  readonly id: LeasingtakerIdJson;
  readonly navn: string;
}

export interface SuccessEntity {
  readonly kjoretoy: KjoretoyInfo;
  readonly leasingtakerId: LeasingtakerIdJson;
  readonly leasingtakerNavn: string;
}

export type Outcome =
  | { readonly kind: 'ok'; readonly entity: SuccessEntity }
  | { readonly kind: 'stopped'; readonly merknader: readonly Merknad[] };

/** Current lessee per plate. Plates never touched have their series' initial lessee (usually none). */
export class PlateRegister {
  private readonly lessees = new Map<string, Lessee | null>();

  /** Registered lessee of a plate, or null. */
  lesseeOf(vehicle: Vehicle): Lessee | null {
    const stored = this.lessees.get(vehicle.kjoretoy.kjennemerke);
    if (stored !== undefined) return stored;
    const orgnr = vehicle.series.initialLesseeOrgnr;
    return orgnr === undefined
      ? null
      : { key: `o${orgnr}`, id: { organisasjonsnummer: orgnr }, navn: organisationName(orgnr) };
  }

  clear(): void {
    this.lessees.clear();
  }

  /**
   * Applies one request for the organisation acting (the token's consumer_org, or else the client's own).
   * At most one merknad: the checks run in the order the README lists, and the first that stops wins.
   */
  apply(command: LeasingtakerCommand, actingOrg: string): Outcome {
    const vehicle = findVehicle(command.kjennemerke);
    if (!vehicle) return stopped('KJORETOY_IKKE_FUNNET');
    const owner = vehicle.series.owner;
    if (owner.kind === 'unidentifiable') return stopped('EIER_KAN_IKKE_IDENTIFISERES');
    if (owner.kind === 'org' && owner.orgnr !== actingOrg) return stopped('KJORETOY_IKKE_EID_AV_FLATEEIER');

    const id = command.leasingtakerId;
    let requested: Lessee;
    if ('fodselsnummer' in id) {
      const fnr = id.fodselsnummer;
      if (!isKnownPerson(fnr)) return stopped('LEASINGTAKER_KAN_IKKE_IDENTIFISERES');
      if (fnr.slice(6, 9) === NAME_MISMATCH_INDIVIDNUMMER) return stopped('LEASINGTAKER_NAVN_STEMMER_IKKE');
      requested = {
        key: `f${fnr}`,
        id: { fodselsnummer: fnr },
        navn: personName(fnr, command.etternavn ?? ''),
      };
    } else {
      const orgnr = id.organisasjonsnummer;
      if (!isKnownOrganisation(orgnr)) return stopped('LEASINGTAKER_KAN_IKKE_IDENTIFISERES');
      requested = { key: `o${orgnr}`, id: { organisasjonsnummer: orgnr }, navn: organisationName(orgnr) };
    }

    const current = this.lesseeOf(vehicle);
    const plate = vehicle.kjoretoy.kjennemerke;
    if (command.handling === 'OPPRETTE') {
      if (current?.key === requested.key) return stopped('LEASINGTAKER_ER_ALLEREDE_REGISTRERT');
      if (current) return stopped('KJORETOY_HAR_ANNEN_LEASINGTAKER');
      this.lessees.set(plate, requested);
      return success(vehicle, requested);
    }
    if (!current) return stopped('INGEN_AKTIV_LEASINGTAKER');
    if (current.key !== requested.key) return stopped('LEASINGTAKER_STEMMER_IKKE');
    this.lessees.set(plate, null);
    return success(vehicle, current);
  }
}

function stopped(kode: MerknadKode): Outcome {
  return { kind: 'stopped', merknader: [merknad(kode)] };
}

function success(vehicle: Vehicle, lessee: Lessee): Outcome {
  return {
    kind: 'ok',
    entity: { kjoretoy: vehicle.kjoretoy, leasingtakerId: lessee.id, leasingtakerNavn: lessee.navn },
  };
}
