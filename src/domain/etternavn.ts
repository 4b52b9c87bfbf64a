import type { Etternavn, Parsed } from './types.ts';

const MAX_ETTERNAVN_LENGTH = 100;

export interface EtternavnOptions {
  /**
   * The cell names an organisation: company names have digits and signs (`3M Norge AS`, `H&M`, `A/S Vinmonopolet`),
   * so any visible character is accepted. Default false (a person's surname).
   */
  readonly forOrganisation?: boolean;
}

// Letters may be followed by combining marks (names in scripts NFC doesn't compose); hyphens and apostrophes
// come in the typographic forms Word and phones produce, too.
const PERSON_CHAR = /^[\p{L}\p{M} .\-\u2010\u2011'\u2019\u02BC]$/u;
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

/** Parses a surname (or, with `forOrganisation`, a company name): trimmed, inner whitespace collapsed. */
export function parseEtternavn(raw: string, options: EtternavnOptions = {}): Parsed<Etternavn> {
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') return refuse('Etternavn mangler');
  const chars = [...name];
  if (chars.length > MAX_ETTERNAVN_LENGTH) {
    return refuse(`Etternavnet kan ha høyst ${MAX_ETTERNAVN_LENGTH} tegn (fant ${chars.length})`);
  }
  if (options.forOrganisation === true) {
    if (chars.some((char) => /\p{C}/u.test(char)))
      return refuse('Navnet har usynlige kontrolltegn – skriv det inn på nytt');
    if (!/[\p{L}\p{N}]/u.test(name)) return refuse('Navnet må ha minst én bokstav eller ett siffer');
    return { ok: true, value: name as Etternavn };
  }
  const bad = chars.find((char) => !PERSON_CHAR.test(char));
  if (bad !== undefined) {
    const shown = VISIBLE.test(bad) ? ` (fant «${bad}»)` : '';
    return refuse(`Etternavnet kan bare ha bokstaver, mellomrom, bindestrek, apostrof og punktum${shown}`);
  }
  if (!/\p{L}/u.test(name)) return refuse('Etternavnet må ha minst én bokstav');
  return { ok: true, value: name as Etternavn };
}

function refuse(reason: string): Parsed<never> {
  return { ok: false, reason };
}
