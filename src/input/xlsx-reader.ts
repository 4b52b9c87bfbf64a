// Opens an .xlsx fleet file and streams the rows of the sheet that holds the fleet, in named steps: the zip's
// directory, the workbook's layout (xlsx-package.ts), the shared strings and styles, then the chosen sheet's
// rows (choose-sheet.ts, xlsx-sheet-rows.ts).
//
// exceljs' streaming WorkbookReader does the XML work; we hand it the zip parts ourselves, read by random
// access (see zip.ts), instead of letting it walk the zip front to back. That way we know every sheet's name,
// order and visibility before reading any rows, read only the chosen sheet, and never spill sheets to TMPDIR.
// The internals we call are listed in xlsx-exceljs.ts; the bounds on what we read are in xlsx-limits.ts.

import { Readable } from 'node:stream';
import { chooseSheet } from './choose-sheet.ts';
import { rowsAfterHeader } from './row-shape.ts';
import { type FleetFile, FleetFileError, type OpenOptions } from './types.ts';
import { newWorkbookReader, type ReaderInternals } from './xlsx-exceljs.ts';
import {
  damaged,
  guarded,
  MAX_SHARED_STRINGS,
  MAX_SHARED_STRINGS_BYTES,
  refuseUnpackedOver,
  SHARED_STRINGS_LIMITS,
} from './xlsx-limits.ts';
import { type WorkbookLayout, XlsxPackage } from './xlsx-package.ts';
import { openSheetRows } from './xlsx-sheet-rows.ts';

export { MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES, MAX_SHEET_BYTES } from './xlsx-limits.ts';

export interface XlsxSheetInfo {
  readonly name: string;
  readonly hidden: boolean;
}

/** An .xlsx fleet file, with the sheet that was read and the ones that weren't. */
export interface XlsxFleetFile extends FleetFile {
  readonly format: 'xlsx';
  readonly sheet: string;
  readonly sheets: readonly XlsxSheetInfo[];
  /** Visible sheets before `sheet` that were passed over: none of their first rows is a header row. */
  readonly passedOver: readonly string[];
  /** Visible sheets after `sheet` with a header row too; not read. */
  readonly alsoWithColumns: readonly string[];
}

export async function openXlsxFleetFile(path: string, options: OpenOptions = {}): Promise<XlsxFleetFile> {
  const workbook = await XlsxPackage.open(path);
  try {
    await workbook.readDirectory();
    const reader = newWorkbookReader(path);
    const layout = await workbook.readLayout(reader);
    await readSharedStrings(workbook, reader, layout);
    await readStyles(workbook, reader, layout);

    const chosen = await chooseSheet(
      path,
      layout.sheets,
      (sheet) => openSheetRows(workbook, reader, sheet, layout.date1904),
      options,
    );
    const { headers, headerRowNumber, rows } = rowsAfterHeader(
      chosen.search.header,
      chosen.rows.nextRow,
      async () => {
        await chosen.rows.stop();
        await workbook.close();
      },
    );
    return {
      path,
      format: 'xlsx',
      headers,
      headerRowNumber,
      rowsAbove: chosen.search.above,
      sheet: chosen.sheet.name,
      sheets: layout.sheets.map(({ name, hidden }) => ({ name, hidden })),
      passedOver: chosen.passedOver,
      alsoWithColumns: chosen.alsoWithColumns,
      rows,
      close: () => workbook.close(),
    };
  } catch (error) {
    await workbook.close();
    if (error instanceof FleetFileError) throw error;
    throw damaged(path, error);
  }
}

/** The shared-strings table into the package's store, which the sheet reader then reads by index. */
async function readSharedStrings(
  workbook: XlsxPackage,
  reader: ReaderInternals,
  { sharedStrings: entry }: WorkbookLayout,
): Promise<void> {
  const store = workbook.sharedStrings;
  if (entry) {
    refuseUnpackedOver(workbook.path, entry, MAX_SHARED_STRINGS_BYTES, 'tekstene i filen');
    const texts = guarded(workbook.path, await workbook.stream(entry), SHARED_STRINGS_LIMITS, () =>
      store.length > MAX_SHARED_STRINGS
        ? `filen har over ${MAX_SHARED_STRINGS.toLocaleString('nb-NO')} ulike tekster`
        : undefined,
    );
    for await (const { text } of reader._parseSharedStrings(texts)) store.push(text);
  }
  store.seal();
  reader.sharedStrings = store.asArrayLike();
}

/** The styles (number formats: dates, masks) and the workbook's date system, which exceljs' sheet reader uses. */
async function readStyles(
  workbook: XlsxPackage,
  reader: ReaderInternals,
  { styles, date1904 }: WorkbookLayout,
): Promise<void> {
  if (styles) await reader._parseStyles(Readable.from([await workbook.readWhole(styles)]));
  // Its sheet reader turns date-formatted serials into dates by this flag itself.
  reader.properties = { model: { ...reader.properties?.model, date1904 } };
}
