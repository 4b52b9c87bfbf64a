// What the Oppsummering sheet says about a report that had to be fitted to Excel's limits, and what can be
// known of that before the rows are written (the columns from the header, the rows per sheet from the counts).

import type { OutcomeCounts, RowStatus } from '../ledger/types.ts';
import { DATA_ROWS_PER_SHEET, Fitting, MAX_CELL_TEXT, MAX_COLUMNS } from './excel-limits.ts';
import type { RowSheet } from './row-sheets.ts';

function rowsIn(statuses: readonly RowStatus[], counts: OutcomeCounts): number {
  let rows = 0;
  for (const status of statuses) {
    // `failed` already counts the rows left pending or sending.
    if (status === 'pending' || status === 'sending') continue;
    rows += counts[status];
  }
  return rows;
}

/** What fitting the row sheets will need, from their columns and the file's counts. */
export function predictFitting(sheets: readonly RowSheet[], counts: OutcomeCounts): Fitting {
  const fitting = new Fitting();
  for (const sheet of sheets) {
    if (sheet.columns.length > MAX_COLUMNS)
      fitting.droppedColumns.set(sheet.name, sheet.columns.length - MAX_COLUMNS);
    const parts = Math.ceil(rowsIn(sheet.statuses, counts) / DATA_ROWS_PER_SHEET);
    if (parts > 1) fitting.parts.set(sheet.name, parts);
  }
  return fitting;
}

const number = (n: number) => n.toLocaleString('nb-NO');

export interface FitNoteInput {
  /** What the result workbook had to fit. */
  readonly workbook: Fitting;
  /** What the retry file had to fit, when there is one. */
  readonly retry?: Fitting;
  readonly headers: readonly string[];
  /** The retry file has no `Årsak` column: the input uses every column Excel has. */
  readonly retryWithoutReason: boolean;
}

/** One sentence per thing that was fitted, for staff; none when the report holds everything as it was. */
export function fitNotes({ workbook, retry, headers, retryWithoutReason }: FitNoteInput): string[] {
  const notes: string[] = [];
  const dropped = Math.max(0, ...workbook.droppedColumns.values());
  if (dropped > 0) {
    const first = headers[headers.length - dropped];
    notes.push(
      `Filen har ${number(headers.length)} kolonner, og et Excel-ark har plass til ${number(MAX_COLUMNS)} ` +
        `kolonner. Arkene med rader viser derfor ikke de siste kolonnene fra filen (opptil ${number(dropped)}` +
        `${first ? `, fra og med «${first}»` : ''}).${retry ? ' Returfilen har alle kolonnene.' : ''}`,
    );
  }
  if (retry && retryWithoutReason) {
    notes.push(
      'Returfilen har ikke kolonnen Årsak: filen bruker alle kolonnene Excel har. Årsaken står i arkene Stoppet og Feilet.',
    );
  }
  for (const [sheet, parts] of workbook.parts) {
    notes.push(
      `Arket ${sheet} har flere rader enn et Excel-ark rommer (${number(DATA_ROWS_PER_SHEET)}); radene fortsetter ` +
        `i ${parts - 1 === 1 ? `arket «${sheet} (2)»` : `arkene «${sheet} (2)» til «${sheet} (${parts})»`}.`,
    );
  }
  // A cell of the retry file is a cell of a row sheet too: the larger count, not the sum.
  const cut = Math.max(workbook.cutCells, retry?.cutCells ?? 0);
  if (cut > 0) {
    notes.push(
      `${number(cut)} celle(r) hadde mer tekst enn de ${number(MAX_CELL_TEXT)} tegnene Excel tillater i en celle, ` +
        `og er kortet ned (de slutter med …)${retry?.cutCells ? ', også i returfilen' : ''}.`,
    );
  }
  const replaced = Math.max(workbook.replacedCells, retry?.replacedCells ?? 0);
  if (replaced > 0) {
    notes.push(
      `${number(replaced)} celle(r) hadde tegn som ikke kan stå i en Excel-fil (styretegn, U+FFFE eller U+FFFF); ` +
        `de er byttet ut med «\uFFFD»${retry?.replacedCells ? ', også i returfilen' : ''}.`,
    );
  }
  return notes;
}
