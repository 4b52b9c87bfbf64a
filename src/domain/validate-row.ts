import type { ColumnMap, ColumnRef } from './columns.ts';
import { parseEtternavn } from './etternavn.ts';
import { parseFodselsnummer } from './fodselsnummer.ts';
import { parseHandling } from './handling.ts';
import { parseKjennemerke } from './kjennemerke.ts';
import { parseOrganisasjonsnummer } from './organisasjonsnummer.ts';
import type { CheckedRow, Etternavn, LeasingtakerId, Parsed, RawRow, RowProblem } from './types.ts';

type IdentityKind = 'person' | 'organisation';

interface IdentityResult {
  /** Known when the row says which kind it is, even if the number itself is wrong. */
  readonly kind: IdentityKind | undefined;
  readonly id: LeasingtakerId | undefined;
  readonly problems: readonly RowProblem[];
}

/**
 * Turns one raw row into a ValidRow, or an InvalidRow listing every problem (each with its column's header), so
 * staff fix a row once rather than once per problem.
 */
export function validateRow(row: RawRow, columns: ColumnMap): CheckedRow {
  const problems: RowProblem[] = [];
  const cell = (column: ColumnRef): string => row.cells[column.index] ?? '';
  const check = <T>(header: string, parsed: Parsed<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    problems.push({ column: header, reason: parsed.reason });
    return undefined;
  };

  const kjennemerke = check(columns.kjennemerke.header, parseKjennemerke(cell(columns.kjennemerke)));
  const handling = check(columns.handling.header, parseHandling(cell(columns.handling)));
  const identity = identityOf(columns, cell);
  problems.push(...identity.problems);

  const etternavnHeader = columns.etternavn?.header ?? 'Etternavn';
  const etternavnCell = columns.etternavn ? cell(columns.etternavn) : '';
  let etternavn: Etternavn | undefined;
  if (etternavnCell.trim() !== '') {
    etternavn = check(
      etternavnHeader,
      parseEtternavn(etternavnCell, { forOrganisation: identity.kind === 'organisation' }),
    );
  } else if (identity.kind === 'person') {
    // LeasingtakerRequest: etternavn is required with a fødselsnummer, so the row can't be sent without it.
    problems.push({ column: etternavnHeader, reason: 'Etternavn mangler – det må fylles ut for en person' });
  }

  if (
    problems.length > 0 ||
    kjennemerke === undefined ||
    handling === undefined ||
    identity.id === undefined
  ) {
    return { kind: 'invalid', rowNumber: row.rowNumber, problems, cells: row.cells };
  }
  return {
    kind: 'valid',
    rowNumber: row.rowNumber,
    request: {
      handling,
      kjennemerke,
      leasingtakerId: identity.id,
      ...(etternavn !== undefined && { etternavn }),
    },
    cells: row.cells,
  };
}

function identityOf(columns: ColumnMap, cell: (column: ColumnRef) => string): IdentityResult {
  const filled = (column: ColumnRef | undefined): column is ColumnRef =>
    column !== undefined && cell(column).trim() !== '';
  const fnrColumn = filled(columns.fodselsnummer) ? columns.fodselsnummer : undefined;
  const orgColumn = filled(columns.organisasjonsnummer) ? columns.organisasjonsnummer : undefined;

  if (fnrColumn && orgColumn) {
    return {
      kind: undefined,
      id: undefined,
      problems: [
        {
          column: `${fnrColumn.header} / ${orgColumn.header}`,
          reason: 'Fyll ut enten fødselsnummer eller organisasjonsnummer, ikke begge',
        },
      ],
    };
  }
  if (fnrColumn) return misplaced(columns, 'person', cell(fnrColumn)) ?? person(fnrColumn, cell(fnrColumn));
  if (orgColumn) {
    return misplaced(columns, 'organisation', cell(orgColumn)) ?? organisation(orgColumn, cell(orgColumn));
  }

  const idColumn = filled(columns.leasingtakerId) ? columns.leasingtakerId : undefined;
  if (idColumn) {
    const value = cell(idColumn);
    const compact = value.replace(/\s+/g, '').replace(/^NO/i, '').replace(/MVA$/i, '');
    if (/^\d{10,11}$/.test(compact)) return person(idColumn, value);
    if (/^\d{9}$/.test(compact)) return organisation(idColumn, value);
    const reason = /^\d+$/.test(compact)
      ? `Leasingtaker må være et fødselsnummer (11 siffer) eller et organisasjonsnummer (9 siffer) (fant ${compact.length} siffer)`
      : 'Leasingtaker må være et fødselsnummer (11 siffer) eller et organisasjonsnummer (9 siffer), bare siffer';
    return { kind: undefined, id: undefined, problems: [{ column: idColumn.header, reason }] };
  }

  const identityColumns = [columns.fodselsnummer, columns.organisasjonsnummer, columns.leasingtakerId]
    .filter((column) => column !== undefined)
    .map((column) => column.header);
  return {
    kind: undefined,
    id: undefined,
    problems: [
      {
        column: identityColumns.join(' / '),
        reason: 'Leasingtaker mangler – fyll ut fødselsnummer eller organisasjonsnummer',
      },
    ],
  };
}

/**
 * A valid number of the other kind in a column for one kind: an organisasjonsnummer in the Fødselsnummer
 * column (a merknad said to end an organisation's lease first, and the file had only that column), or the
 * other way round. The reason says where the number belongs, adding the column if the file has none.
 */
function misplaced(columns: ColumnMap, expected: IdentityKind, value: string): IdentityResult | undefined {
  const compact = value.replace(/\s+/g, '');
  const [column, other] =
    expected === 'person'
      ? [columns.fodselsnummer, columns.organisasjonsnummer]
      : [columns.organisasjonsnummer, columns.fodselsnummer];
  if (column === undefined) return undefined;
  let reason: string;
  if (expected === 'person' && /^\d{9}$/.test(compact) && parseOrganisasjonsnummer(compact).ok) {
    reason =
      'Dette er et organisasjonsnummer (9 siffer), ikke et fødselsnummer – ' +
      (other
        ? `flytt det til kolonnen «${other.header}»`
        : 'legg til en kolonne «Organisasjonsnummer» og flytt det dit');
  } else if (expected === 'organisation' && /^\d{10,11}$/.test(compact) && parseFodselsnummer(compact).ok) {
    // 10 digits too: a fødselsnummer that lost its leading zero in Excel.
    reason =
      'Dette er et fødselsnummer (11 siffer), ikke et organisasjonsnummer – ' +
      (other
        ? `flytt det til kolonnen «${other.header}»`
        : 'legg til kolonnene «Fødselsnummer» og «Etternavn» og flytt det dit');
  } else {
    return undefined;
  }
  // The kind is the number's, not the column's: a person's Etternavn is not asked for an organisation.
  return { kind: undefined, id: undefined, problems: [{ column: column.header, reason }] };
}

function person(column: ColumnRef, value: string): IdentityResult {
  const parsed = parseFodselsnummer(value);
  return parsed.ok
    ? { kind: 'person', id: { fodselsnummer: parsed.value }, problems: [] }
    : { kind: 'person', id: undefined, problems: [{ column: column.header, reason: parsed.reason }] };
}

function organisation(column: ColumnRef, value: string): IdentityResult {
  const parsed = parseOrganisasjonsnummer(value);
  return parsed.ok
    ? { kind: 'organisation', id: { organisasjonsnummer: parsed.value }, problems: [] }
    : { kind: 'organisation', id: undefined, problems: [{ column: column.header, reason: parsed.reason }] };
}
