// Finds the header row. Staff put a title, a date or "Utarbeidet av …" above the table, and a workbook may
// open with a cover sheet: the header is the first of the first 20 non-blank rows that holds the columns the
// domain needs. When none does, the message names the row that came closest and what it lacks.
//
// Messages never repeat a fødselsnummer: the check masks identity numbers in what it found, and a row that
// looks like data (a plate, a number) is named by its row number only, since its cells may be a person's.

import { maskId } from '../domain/mask.ts';
import type { FoundRow } from './row-shape.ts';
import type { HeaderCheck, HeaderVerdict, RowAbove } from './types.ts';

/** How many non-blank rows are looked through for the header. */
export const HEADER_SEARCH_ROWS = 20;

type Miss = Extract<HeaderVerdict, { ok: false }>;

/** A row looked at and found not to be the header. */
export interface MissedRow {
  readonly rowNumber: number;
  readonly verdict: Miss;
  readonly looksLikeData: boolean;
}

export type HeaderSearch =
  | { readonly found: true; readonly header: FoundRow; readonly above: readonly RowAbove[] }
  /** `looked` is empty when there is no non-blank row at all. */
  | { readonly found: false; readonly looked: readonly MissedRow[] };

const ANY_ROW: HeaderVerdict = { ok: true };
const IDENTITY_NUMBER = /\d(?:[ .-]?\d){8,}/g;
const DATA_NUMBER = /\d{4,}/;
const ABOVE_TEXT_MAX = 80;

/** Reads rows with `nextRow` until the header; the rows after it are left for the caller to read. */
export async function findHeader(
  nextRow: () => Promise<FoundRow | undefined>,
  check: HeaderCheck | undefined,
): Promise<HeaderSearch> {
  const looked: MissedRow[] = [];
  const above: RowAbove[] = [];
  while (looked.length < HEADER_SEARCH_ROWS) {
    const row = await nextRow();
    if (!row) break;
    const verdict = check ? check(row.cells) : ANY_ROW;
    if (verdict.ok) return { found: true, header: row, above };
    looked.push({ rowNumber: row.rowNumber, verdict, looksLikeData: looksLikeData(row.cells) });
    above.push({ rowNumber: row.rowNumber, text: rowText(row.cells) });
  }
  return { found: false, looked };
}

/**
 * Plates, dates and identity numbers have runs of digits; headers rarely do. A title ("Flåteliste mars 2026")
 * may, but stands alone in its row, where a data row has a cell per column.
 */
function looksLikeData(cells: readonly string[]): boolean {
  const filled = cells.filter((cell) => cell !== '');
  return filled.length > 1 && filled.some((cell) => DATA_NUMBER.test(cell.replace(/[\s-]/g, '')));
}

function rowText(cells: readonly string[]): string {
  const text = cells
    .filter((cell) => cell !== '')
    .join(' ')
    .replace(IDENTITY_NUMBER, maskId);
  return text.length > ABOVE_TEXT_MAX ? `${text.slice(0, ABOVE_TEXT_MAX - 1)}…` : text;
}

function closestOf(looked: readonly MissedRow[]): MissedRow | undefined {
  let best: MissedRow | undefined;
  for (const row of looked) {
    if (row.verdict.recognised > (best?.verdict.recognised ?? 0)) best = row;
  }
  return best;
}

function quoted(found: readonly string[]): string {
  const shown = found.slice(0, 8).map((text) => `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`);
  return `${shown.join(', ')}${found.length > shown.length ? ', …' : ''}`;
}

function rangeText(looked: readonly MissedRow[]): string {
  const first = looked[0]?.rowNumber ?? 1;
  const last = looked.at(-1)?.rowNumber ?? first;
  return first === last ? `rad ${first}` : `radene ${first}–${last}`;
}

/** What a row holds, unless it looks like data (then only that). */
function contents(row: MissedRow): string {
  if (row.looksLikeData) return ` Rad ${row.rowNumber} ser ut som en rad med data, ikke en overskriftsrad.`;
  return row.verdict.found.length > 0 ? ` Rad ${row.rowNumber} har: ${quoted(row.verdict.found)}.` : '';
}

/** Why a file (or the one sheet read) has no header row. `looked` is not empty. */
export function noHeaderMessage(looked: readonly MissedRow[]): string {
  const closest = closestOf(looked);
  const first = looked[0] as MissedRow;
  if (closest === first) {
    return `Fant ikke ${first.verdict.lacking} i overskriftsraden (rad ${first.rowNumber}).${contents(first)}`;
  }
  if (closest) {
    return (
      `Fant ingen overskriftsrad med alle kolonnene vi trenger i ${rangeText(looked)}. ` +
      `Nærmest er rad ${closest.rowNumber}, som mangler ${closest.verdict.lacking}.${contents(closest)}`
    );
  }
  return `Fant ikke ${first.verdict.lacking} i ${rangeText(looked)}.${contents(first)}`;
}

/** What one sheet of several held, for a message that names every sheet: `nærmest er rad 3, som mangler …`. */
export function sheetFindings(looked: readonly MissedRow[]): string {
  if (looked.length === 0) return 'tomt';
  const closest = closestOf(looked);
  if (closest) {
    const has = closest.looksLikeData
      ? ''
      : ` (rad ${closest.rowNumber} har ${quoted(closest.verdict.found)})`;
    return `nærmest er rad ${closest.rowNumber}, som mangler ${closest.verdict.lacking}${has}`;
  }
  const first = looked[0] as MissedRow;
  const has =
    first.looksLikeData || first.verdict.found.length === 0
      ? ''
      : ` (rad ${first.rowNumber}: ${quoted(first.verdict.found.slice(0, 3))})`;
  return `ingen av kolonnene i ${rangeText(looked)}${has}`;
}
