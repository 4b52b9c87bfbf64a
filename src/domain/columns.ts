import { parseHandling } from './handling.ts';
import { maskId } from './mask.ts';
/** Where one field sits in the user's file, and its header as written there (for messages). */
export interface ColumnRef {
  readonly index: number;
  readonly header: string;
}

/** The columns the domain reads. Columns not listed here are kept by the caller for the report only. */
export interface ColumnMap {
  readonly kjennemerke: ColumnRef;
  readonly handling: ColumnRef;
  readonly etternavn?: ColumnRef;
  readonly fodselsnummer?: ColumnRef;
  readonly organisasjonsnummer?: ColumnRef;
  /** One column holding either a fødselsnummer or an organisasjonsnummer. */
  readonly leasingtakerId?: ColumnRef;
}

export type Field = keyof ColumnMap;

export type FindColumnsResult =
  | {
      readonly ok: true;
      readonly columns: ColumnMap;
      /** Headers that also matched a field but were not used, in Norwegian, for the run summary. */
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      /** Norwegian names of the missing fields. */
      readonly missing: string[];
      /**
       * The file's non-empty headers, as written (long numbers masked); none when the row looks like data (a
       * file without a header row), whose cells are personal data.
       */
      readonly found: string[];
      /** How many of the fields this row has a column for: 0 for a title or a data row. */
      readonly recognised: number;
      /** What it lacks, with headers to use: `kolonnen for handling (f.eks. "Handling")`. */
      readonly lacking: string;
      readonly message: string;
    };

/**
 * Header names per field, normalised (see `normaliseHeader`). When two columns match one field, a specific name
 * beats a generic one (`Etternavn` over `Navn`), and among equals the leftmost column wins.
 */
const SYNONYMS: Readonly<
  Record<Field, { readonly specific: readonly string[]; readonly generic: readonly string[] }>
> = {
  kjennemerke: {
    specific: [
      'kjennemerke',
      'regnr',
      'registreringsnummer',
      'registreringsnr',
      'kjennemerke/regnr',
      'regnr/kjennemerke',
      'licenseplate',
      'licenceplate',
      'platenumber',
      'registrationnumber',
      'registrationno',
      'regno',
    ],
    generic: ['registration', 'plate'],
  },
  handling: { specific: ['handling', 'action', 'operasjon', 'operation'], generic: [] },
  fodselsnummer: {
    specific: [
      'fodselsnummer',
      'fodselsnr',
      'fnr',
      'personnummer',
      'fodselsnummer/dnummer',
      'fnr/dnr',
      'nationalidentitynumber',
      'nationalid',
      'birthnumber',
      'ssn',
    ],
    generic: [],
  },
  organisasjonsnummer: {
    specific: [
      'organisasjonsnummer',
      'organisasjonsnr',
      'orgnr',
      'orgnummer',
      'organizationnumber',
      'organisationnumber',
      'orgno',
    ],
    generic: [],
  },
  leasingtakerId: {
    specific: ['leasingtakerid', 'leasingtakerident', 'fnr/orgnr', 'fodselsnummer/organisasjonsnummer'],
    generic: ['leasingtaker', 'id'],
  },
  etternavn: {
    specific: ['etternavn', 'surname', 'lastname', 'familyname', 'leasingtakernavn'],
    generic: ['navn', 'name'],
  },
};

/** Field names as staff know them, for messages. */
const LABELS: Readonly<Record<Field, string>> = {
  kjennemerke: 'kjennemerke',
  handling: 'handling',
  etternavn: 'etternavn',
  fodselsnummer: 'fødselsnummer',
  organisasjonsnummer: 'organisasjonsnummer',
  leasingtakerId: 'leasingtakerId',
};

const IDENTITY_LABEL = 'leasingtakers fødselsnummer eller organisasjonsnummer';

/** A few recognised headers per missing field, so the message says what to rename a column to. */
const EXAMPLES: Readonly<Record<string, string>> = {
  [LABELS.kjennemerke]: '"Kjennemerke" eller "Reg.nr"',
  [LABELS.handling]: '"Handling"',
  [IDENTITY_LABEL]: '"Fødselsnummer", "Fnr", "Org.nr" eller "Leasingtaker"',
  [LABELS.etternavn]: '"Etternavn"',
};

/**
 * Finds the columns the domain needs from the header row. Required: kjennemerke, handling, an identity column
 * (fødselsnummer, organisasjonsnummer, or one combined leasingtakerId column) and etternavn, unless the only
 * identity column is organisasjonsnummer. A combined column is used only when there is neither a fødselsnummer
 * nor an organisasjonsnummer column, since a generic `ID` next to them is usually the fleet's own number.
 */
export function findColumns(headers: readonly string[]): FindColumnsResult {
  const matches = matchHeaders(headers);
  const warnings: string[] = [];
  const pick = (field: Field): ColumnRef | undefined => {
    const [chosen, ...others] = matches[field];
    if (chosen !== undefined && others.length > 0) {
      const ignored = others.map((column) => `"${column.header}"`).join(', ');
      warnings.push(`Flere kolonner kan være ${LABELS[field]}: bruker "${chosen.header}", ikke ${ignored}`);
    }
    return chosen;
  };

  const kjennemerke = pick('kjennemerke');
  const handling = pick('handling');
  const fodselsnummer = pick('fodselsnummer');
  const organisasjonsnummer = pick('organisasjonsnummer');
  let leasingtakerId: ColumnRef | undefined;
  if (fodselsnummer === undefined && organisasjonsnummer === undefined) {
    leasingtakerId = pick('leasingtakerId');
  } else {
    for (const column of matches.leasingtakerId) {
      warnings.push(`Kolonnen "${column.header}" brukes ikke: leasingtaker leses fra egne kolonner`);
    }
  }
  const etternavn = pick('etternavn');

  const missing: string[] = [];
  if (kjennemerke === undefined) missing.push(LABELS.kjennemerke);
  if (handling === undefined) missing.push(LABELS.handling);
  const hasIdentity =
    fodselsnummer !== undefined || organisasjonsnummer !== undefined || leasingtakerId !== undefined;
  if (!hasIdentity) missing.push(IDENTITY_LABEL);
  const onlyOrganisations = organisasjonsnummer !== undefined && fodselsnummer === undefined;
  if (etternavn === undefined && !onlyOrganisations) missing.push(LABELS.etternavn);

  if (kjennemerke === undefined || handling === undefined || missing.length > 0) {
    // A file without a header row shows its first data row here: mask anything that could be an identity number,
    // also when written in groups (`010170 12345`).
    const found = headers
      .map((header) => header.trim().replace(/\d(?:[ .-]?\d){8,}/g, maskId))
      .filter((header) => header !== '');
    const recognised = [
      kjennemerke,
      handling,
      fodselsnummer,
      organisasjonsnummer,
      leasingtakerId,
      etternavn,
    ].filter((column) => column !== undefined).length;
    const lacking = lackingText(missing);
    // A file without a header row has its first data row here. Its cells are not echoed: a surname can't be
    // told from a header by its look, but a row with a plate, an action or a long number is data, not headers.
    if (looksLikeData(headers)) {
      return {
        ok: false,
        missing,
        found: [],
        recognised,
        lacking,
        message: missingMessage(lacking, [], true),
      };
    }
    return { ok: false, missing, found, recognised, lacking, message: missingMessage(lacking, found) };
  }
  return {
    ok: true,
    columns: {
      kjennemerke,
      handling,
      ...(etternavn && { etternavn }),
      ...(fodselsnummer && { fodselsnummer }),
      ...(organisasjonsnummer && { organisasjonsnummer }),
      ...(leasingtakerId && { leasingtakerId }),
    },
    warnings,
  };
}

/** Lower case, accents and Norwegian letters folded to ASCII, and spaces and `._-()` dropped: `Reg. nr` → `regnr`. */
function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s._\-()]/g, '');
}

function matchHeaders(headers: readonly string[]): Record<Field, ColumnRef[]> {
  const result = {} as Record<Field, ColumnRef[]>;
  for (const [field, names] of Object.entries(SYNONYMS) as [Field, (typeof SYNONYMS)[Field]][]) {
    const found: { rank: number; column: ColumnRef }[] = [];
    headers.forEach((header, index) => {
      const rank = rankOf(header, names);
      if (rank !== undefined) found.push({ rank, column: { index, header: header.trim() } });
    });
    // Array.prototype.sort is stable, so equal ranks keep file order.
    result[field] = found.sort((a, b) => a.rank - b.rank).map((entry) => entry.column);
  }
  return result;
}

/** 0 for a specific name, 1 for a generic one. A parenthesised note may be left out: `Fødselsnummer (11 siffer)`. */
function rankOf(header: string, names: (typeof SYNONYMS)[Field]): number | undefined {
  for (const candidate of [header, header.replace(/\([^)]*\)/g, '')]) {
    const normalised = normaliseHeader(candidate);
    if (names.specific.includes(normalised)) return 0;
    if (names.generic.includes(normalised)) return 1;
  }
  return undefined;
}

/** An ordinary plate (`CU 10001`), an action word, or six digits or more however spaced: cells of data. */
function looksLikeData(cells: readonly string[]): boolean {
  return cells.some((cell) => {
    const text = cell.trim();
    if (text === '') return false;
    return (
      /^[A-ZÆØÅ]{2}[\s-]?\d{4,5}$/i.test(text) ||
      /\d(?:[\s.-]?\d){5,}/.test(text) ||
      // Not the three-letter ones (`ny`, `add`, `end`), which could be a column's name.
      (text.length > 3 && parseHandling(text).ok)
    );
  });
}

function lackingText(missing: readonly string[]): string {
  const named = missing.map((label) => `${label} (f.eks. ${EXAMPLES[label] ?? label})`);
  return named.length === 1 ? `kolonnen for ${named[0]}` : `kolonnene for ${joinNorwegian(named)}`;
}

function missingMessage(what: string, found: readonly string[], dataRow = false): string {
  const seen = dataRow
    ? 'Første rad ser ut som en rad med data, ikke som overskrifter: filen mangler overskriftsraden. ' +
      'Legg inn en første rad med kolonnenavnene, f.eks. Kjennemerke, Handling, Fødselsnummer og Etternavn.'
    : found.length === 0
      ? 'Overskriftsraden er tom.'
      : `Fant disse kolonnene: ${found.map((h) => `"${h}"`).join(', ')}.`;
  return `Fant ikke ${what}. ${seen}`;
}

function joinNorwegian(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items.at(-1)}`;
}
