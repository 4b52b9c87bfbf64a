import type {
  Etternavn,
  Fodselsnummer,
  Handling,
  Kjennemerke,
  LeasingtakerRequest,
  Organisasjonsnummer,
} from '../../src/domain/types.ts';

/** The synthetic test person from Statens vegvesen's page; the simulator names them LEDENDE FIRKANT. */
export const SEED_FNR = '63888700414';

export function personRequest(
  handling: Handling,
  kjennemerke: string,
  fnr = SEED_FNR,
  etternavn = 'Firkant',
): LeasingtakerRequest {
  return {
    handling,
    kjennemerke: kjennemerke as Kjennemerke,
    leasingtakerId: { fodselsnummer: fnr as Fodselsnummer },
    etternavn: etternavn as Etternavn,
  };
}

export function organisationRequest(
  handling: Handling,
  kjennemerke: string,
  orgnr: string,
): LeasingtakerRequest {
  return {
    handling,
    kjennemerke: kjennemerke as Kjennemerke,
    leasingtakerId: { organisasjonsnummer: orgnr as Organisasjonsnummer },
  };
}
