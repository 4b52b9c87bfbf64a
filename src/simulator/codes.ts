// Every merknad the simulator can answer. The real list is not public: these codes are the simulator's, apart
// from EIER_KAN_IKKE_IDENTIFISERES (seen on Statens vegvesen's page). Clients must treat any code as "stopped";
// this table exists so a client's own "already so" list can be checked against what the simulator says.

export interface MerknadDefinition {
  /** The text the simulator sends, in Norwegian like the real service. */
  readonly beskrivelse: string;
  /** What it means for a client, in English. */
  readonly meaning: string;
  /**
   * True when the register already is as the request asked (nothing to do): a client may report the row as
   * done rather than failed.
   */
  readonly alreadySo: boolean;
}

export const MERKNAD_CODES = {
  KJORETOY_IKKE_FUNNET: {
    beskrivelse: 'Fant ikke kjøretøy med oppgitt kjennemerke.',
    meaning: 'No vehicle has this plate.',
    alreadySo: false,
  },
  EIER_KAN_IKKE_IDENTIFISERES: {
    beskrivelse: 'Eier av kjøretøyet kan ikke identifiseres.',
    meaning: "The vehicle's owner can't be identified in the register.",
    alreadySo: false,
  },
  KJORETOY_IKKE_EID_AV_FLATEEIER: {
    beskrivelse: 'Kjøretøyet eies ikke av flåteeier som spør.',
    meaning: 'The vehicle belongs to another organisation than the acting one (client org or consumer_org).',
    alreadySo: false,
  },
  LEASINGTAKER_KAN_IKKE_IDENTIFISERES: {
    beskrivelse: 'Leasingtaker kan ikke identifiseres.',
    meaning: 'No person or organisation with this identifier in the register.',
    alreadySo: false,
  },
  LEASINGTAKER_NAVN_STEMMER_IKKE: {
    beskrivelse: 'Oppgitt etternavn stemmer ikke med registrert navn på leasingtaker.',
    meaning: "The surname doesn't match the person's registered name.",
    alreadySo: false,
  },
  LEASINGTAKER_ER_ALLEREDE_REGISTRERT: {
    beskrivelse: 'Leasingtaker er allerede registrert på kjøretøyet.',
    meaning: 'OPPRETTE of the lessee the vehicle already has.',
    alreadySo: true,
  },
  KJORETOY_HAR_ANNEN_LEASINGTAKER: {
    beskrivelse: 'Kjøretøyet har allerede en annen leasingtaker. Avslutt den før ny registreres.',
    meaning: 'OPPRETTE while another lessee is registered: stopped, nothing replaced.',
    alreadySo: false,
  },
  INGEN_AKTIV_LEASINGTAKER: {
    beskrivelse: 'Kjøretøyet har ingen aktiv leasingtaker.',
    meaning: 'AVSLUTTE on a vehicle without a lessee.',
    alreadySo: true,
  },
  LEASINGTAKER_STEMMER_IKKE: {
    beskrivelse: 'Oppgitt leasingtaker stemmer ikke med registrert leasingtaker på kjøretøyet.',
    meaning: 'AVSLUTTE of another lessee than the one registered: stopped, nothing ended.',
    alreadySo: false,
  },
} as const satisfies Record<string, MerknadDefinition>;

export type MerknadKode = keyof typeof MERKNAD_CODES;

export interface Merknad {
  readonly kode: MerknadKode;
  readonly beskrivelse: string;
}

export function merknad(kode: MerknadKode): Merknad {
  return { kode, beskrivelse: MERKNAD_CODES[kode].beskrivelse };
}
