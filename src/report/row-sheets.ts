// The five row sheets: which statuses each holds and the columns it shows. Every sheet starts with the row's
// identity (Rad, Kjennemerke), then its own columns, then the input's columns exactly as read.

import type { LedgerRow, RowStatus } from '../ledger/types.ts';
import { DATE_TIME_FORMAT, INTEGER_FORMAT, type TableColumn, TEXT_FORMAT } from './excel.ts';
import { isReasonColumn, sameHeader } from './retry-columns.ts';
import { failureText, handlingText, skipText } from './row-texts.ts';

/** Added to an input column's header that the sheet also has as its own column. */
export const FROM_FILE = '(fra fila)';

export interface RowSheet {
  readonly name: string;
  readonly statuses: readonly RowStatus[];
  readonly columns: readonly TableColumn<LedgerRow>[];
  readonly tabColor: string;
}

type Column = TableColumn<LedgerRow>;

function text(header: string, maxWidth: number, value: (row: LedgerRow) => string | undefined): Column {
  return { header, maxWidth, numFmt: TEXT_FORMAT, value: (row) => value(row) ?? null };
}

/** Several lines in one cell, so one input row stays one report row (filters and counts match the file). */
function lines(header: string, maxWidth: number, value: (row: LedgerRow) => readonly string[]): Column {
  return { header, maxWidth, numFmt: TEXT_FORMAT, wrap: true, value: (row) => value(row).join('\n') };
}

/** A small whole number, centred. */
function count(
  header: string,
  maxWidth: number,
  value: (row: LedgerRow) => number | null | undefined,
): Column {
  return { header, maxWidth, numFmt: INTEGER_FORMAT, align: 'center', value: (row) => value(row) ?? null };
}

const rad = count('Rad', 8, (row) => row.rowNumber);
const kjennemerke = text('Kjennemerke', 14, (row) => row.kjennemerke);
const handling = text('Handling', 12, (row) => handlingText(row.handling));

/**
 * The input's own columns, as text. A fødselsnummer must stay `01880012345`, not become the number
 * 1880012345, and `=1+1` must stay the text it was: cells are strings with the text format. Left out: a retry
 * file's `Årsak`, the job's own reason from an earlier run (this report gives its own). A header the sheet
 * already has for its own column (`Merknad` beside the API's) gets " (fra fila)", so the two can't be mistaken.
 */
export function inputColumns(headers: readonly string[], ownHeaders: readonly string[] = []): Column[] {
  return headers.flatMap((header, i) => {
    if (isReasonColumn(header)) return [];
    const clash = ownHeaders.some((own) => sameHeader(own, header));
    return [
      {
        header: clash ? `${header.trim()} ${FROM_FILE}` : header,
        maxWidth: 40,
        numFmt: TEXT_FORMAT,
        fromInput: true,
        value: (row: LedgerRow) => row.cells[i] ?? null,
      },
    ];
  });
}

const SHEETS: readonly { name: string; statuses: readonly RowStatus[]; tabColor: string; own: Column[] }[] = [
  {
    name: 'Vellykket',
    statuses: ['ok'],
    tabColor: 'FF70AD47',
    own: [
      handling,
      text('KUID', 16, (row) => row.answer?.kuid),
      text('Understellsnummer', 20, (row) => row.answer?.understellsnummer),
      text('Merke', 16, (row) => row.answer?.merke),
      text('Handelsbetegnelse', 24, (row) => row.answer?.handelsbetegnelse),
      text('Leasingtaker', 30, (row) => row.answer?.leasingtakerNavn),
      // "Allerede registrert" would be wrong for an AVSLUTTE that found no lessee to end.
      text('Var allerede slik', 18, (row) => (row.alreadySo ? 'Ja' : '')),
    ],
  },
  {
    name: 'Stoppet',
    statuses: ['stopped'],
    tabColor: 'FFED7D31',
    own: [
      handling,
      // The codes run to 35 capitals (LEASINGTAKER_KAN_IKKE_IDENTIFISERES): room for them on one line.
      lines('Merknadskode', 40, (row) => row.merknader.map((m) => m.kode)),
      lines('Merknad', 60, (row) => row.merknader.map((m) => m.beskrivelse)),
    ],
  },
  {
    name: 'Feilet',
    // `sending` is a row whose answer never came (a crash mid-call): not through yet, like a failure.
    statuses: ['failed', 'pending', 'sending'],
    tabColor: 'FFC00000',
    own: [
      handling,
      { header: 'Feil', maxWidth: 60, wrap: true, value: failureText },
      count('HTTP-status', 14, (row) => row.httpStatus),
      count('Forsøk', 10, (row) => row.attempts),
      count('Kjøringer', 12, (row) => row.runs),
    ],
  },
  {
    name: 'Ugyldig',
    statuses: ['invalid'],
    tabColor: 'FFFFC000',
    // Line n of Kolonne belongs to line n of Årsak. One row per input row rather than one per problem: the
    // sheet then has as many rows as the count says, and a person fixes a row once, seeing all its problems.
    own: [
      lines('Kolonne', 24, (row) => row.problems.map((p) => p.column)),
      lines('Årsak', 60, (row) => row.problems.map((p) => p.reason)),
    ],
  },
  {
    name: 'Hoppet over',
    statuses: ['skipped'],
    tabColor: 'FFA5A5A5',
    own: [
      handling,
      text('Årsak', 60, skipText),
      {
        header: 'Gjort tidligere',
        maxWidth: 18,
        numFmt: DATE_TIME_FORMAT,
        align: 'center',
        value: (row) => (row.skippedBecauseOf ? new Date(row.skippedBecauseOf.at) : null),
      },
      // For a superseded row: the newer file and row that took its place.
      text('Fil', 40, (row) => row.supersededBy?.file ?? row.skippedBecauseOf?.file),
      // Not "Rad": the sheet's first column is already called that, and means this file's row.
      count('Rad i den filen', 16, (row) => row.supersededBy?.rowNumber ?? row.skippedBecauseOf?.rowNumber),
    ],
  },
];

/** The row sheets in workbook order, each with Rad, Kjennemerke, its own columns, then the input's. */
export function rowSheets(headers: readonly string[]): RowSheet[] {
  return SHEETS.map(({ own, ...sheet }) => {
    const first = [rad, kjennemerke, ...own];
    const input = inputColumns(
      headers,
      first.map((column) => column.header),
    );
    return { ...sheet, columns: [...first, ...input] };
  });
}
