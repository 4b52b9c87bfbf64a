// Which worksheet of a workbook holds the fleet. Staff put instructions on a first sheet ("Forside") and the
// fleet on the next: the sheet read is the one named with --sheet, or else the first visible sheet whose first
// rows hold a header row. Each sheet is looked at through its first 20 non-blank rows only, streamed: deciding
// never loads a sheet. When no sheet has the columns, the message names each sheet and what was in it.

import { basename } from 'node:path';
import { findHeader, type HeaderSearch, noHeaderMessage, sheetFindings } from './header-search.ts';
import type { FoundRow } from './row-shape.ts';
import { FleetFileError, type OpenOptions } from './types.ts';

/** A worksheet as the workbook lists it, with its part in the zip. */
export interface SheetPart {
  readonly name: string;
  readonly hidden: boolean;
  readonly part: string;
}

/** A sheet's non-blank rows in order, streamed; `stop` ends the read and frees the stream. */
export interface SheetRows {
  nextRow(): Promise<FoundRow | undefined>;
  stop(): Promise<void>;
}

export interface ChosenSheet {
  readonly sheet: SheetPart;
  /** Positioned after the header row. */
  readonly rows: SheetRows;
  readonly search: Extract<HeaderSearch, { found: true }>;
  /** Visible sheets before it that were looked at and had no header row. */
  readonly passedOver: readonly string[];
  /** Visible sheets after it that have a header row too, and are not read: worth a word to the clerk. */
  readonly alsoWithColumns: readonly string[];
}

export function quoteName(name: string): string {
  return `«${name}»`;
}

export function sheetList(sheets: readonly { name: string; hidden: boolean }[]): string {
  return sheets.map((s) => `${quoteName(s.name)}${s.hidden ? ' (skjult)' : ''}`).join(', ');
}

function sameSheetName(a: string, b: string): boolean {
  return (
    a.trim().normalize('NFC').toLocaleLowerCase('nb') === b.trim().normalize('NFC').toLocaleLowerCase('nb')
  );
}

async function search(
  sheet: SheetPart,
  open: (sheet: SheetPart) => Promise<SheetRows>,
  options: OpenOptions,
): Promise<{ rows: SheetRows; search: HeaderSearch }> {
  const rows = await open(sheet);
  try {
    const found = await findHeader(() => rows.nextRow(), options.header);
    if (!found.found) await rows.stop();
    return { rows, search: found };
  } catch (error) {
    await rows.stop();
    throw error;
  }
}

/** The names of those of `sheets` whose first rows hold a header row; each is read that far only. */
async function sheetsWithHeader(
  sheets: readonly SheetPart[],
  open: (sheet: SheetPart) => Promise<SheetRows>,
  options: OpenOptions,
): Promise<string[]> {
  const names: string[] = [];
  for (const sheet of sheets) {
    let looked: Awaited<ReturnType<typeof search>>;
    try {
      looked = await search(sheet, open, options);
    } catch (error) {
      // Looked at only for a note: a sheet that can't be read (damaged, too large) is not the file's problem.
      if (error instanceof FleetFileError) continue;
      throw error;
    }
    if (looked.search.found) {
      await looked.rows.stop();
      names.push(sheet.name);
    }
  }
  return names;
}

export async function chooseSheet(
  path: string,
  sheets: readonly SheetPart[],
  open: (sheet: SheetPart) => Promise<SheetRows>,
  options: OpenOptions,
): Promise<ChosenSheet> {
  const name = basename(path);
  const oneSheetError = (sheet: SheetPart, looked: Extract<HeaderSearch, { found: false }>['looked']) =>
    new FleetFileError(
      path,
      looked.length === 0
        ? `Arket ${quoteName(sheet.name)} i "${name}" er tomt (ingen overskriftsrad).`
        : `Arket ${quoteName(sheet.name)} i "${name}": ${noHeaderMessage(looked)}`,
    );

  if (options.sheet !== undefined) {
    const wanted = options.sheet;
    const sheet = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => sameSheetName(s.name, wanted));
    if (!sheet) {
      throw new FleetFileError(
        path,
        `Fant ikke arket ${quoteName(wanted)} i "${name}". Arkene i filen er: ${sheetList(sheets)}.`,
      );
    }
    const looked = await search(sheet, open, options);
    if (looked.search.found) {
      return { sheet, rows: looked.rows, search: looked.search, passedOver: [], alsoWithColumns: [] };
    }
    throw oneSheetError(sheet, looked.search.looked);
  }

  const visible = sheets.filter((s) => !s.hidden);
  if (visible.length === 0) {
    throw new FleetFileError(
      path,
      sheets.length === 0
        ? `"${name}" har ingen regneark med celler.`
        : `"${name}" har bare skjulte ark (${sheetList(sheets)}). Vis arket i Excel, eller oppgi arknavnet.`,
    );
  }
  const misses: { sheet: SheetPart; looked: Extract<HeaderSearch, { found: false }>['looked'] }[] = [];
  for (const [index, sheet] of visible.entries()) {
    const looked = await search(sheet, open, options);
    if (looked.search.found) {
      // Only with a header rule: without one every sheet with a row would count.
      const later = options.header ? visible.slice(index + 1) : [];
      let alsoWithColumns: string[];
      try {
        alsoWithColumns = await sheetsWithHeader(later, open, options);
      } catch (error) {
        await looked.rows.stop();
        throw error;
      }
      return {
        sheet,
        rows: looked.rows,
        search: looked.search,
        passedOver: misses.map((miss) => miss.sheet.name),
        alsoWithColumns,
      };
    }
    misses.push({ sheet, looked: looked.search.looked });
  }

  // No visible sheet has the columns. A hidden one that has them is the likely mistake: say how to show it.
  const hiddenWithColumns = await sheetsWithHeader(
    sheets.filter((s) => s.hidden),
    open,
    options,
  );
  const showHidden =
    hiddenWithColumns.length === 0
      ? ''
      : ` Det skjulte arket ${hiddenWithColumns.map(quoteName).join(' og ')} har kolonnene: vis det i Excel ` +
        '(høyreklikk på en arkfane > Vis) og legg filen i innboksen på nytt.';
  const [only] = misses;
  if (misses.length === 1 && only) {
    const error = oneSheetError(only.sheet, only.looked);
    throw showHidden ? new FleetFileError(path, `${error.message}${showHidden}`) : error;
  }
  const findings = misses.map((miss) => `${quoteName(miss.sheet.name)}: ${sheetFindings(miss.looked)}`);
  throw new FleetFileError(
    path,
    `Ingen av arkene i "${name}" har en overskriftsrad med kolonnene vi trenger. ${findings.join('; ')}.${showHidden}`,
  );
}
