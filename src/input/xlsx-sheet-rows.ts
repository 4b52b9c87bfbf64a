// One worksheet's rows, streamed: the part's bytes through the size guard and the hidden-rows markup reader
// into exceljs' sheet parser, each row turned into cell texts as Excel shows them. Blank rows are passed over,
// hidden ones marked. Apart from the package so the per-row work can be read on its own.

import { pipeline } from 'node:stream';
import { cellText } from './cell-text.ts';
import type { SheetPart, SheetRows } from './choose-sheet.ts';
import type { FoundRow } from './row-shape.ts';
import { SheetMarkup } from './sheet-markup.ts';
import { FleetFileError } from './types.ts';
import { type ExcelRow, isFormula, type ReaderInternals } from './xlsx-exceljs.ts';
import { damaged, guarded, MAX_SHEET_BYTES, refuseUnpackedOver, SHEET_LIMITS } from './xlsx-limits.ts';
import type { XlsxPackage } from './xlsx-package.ts';
import { ZipFormatError } from './zip.ts';

/** Opens a sheet's rows: blank rows are passed over, hidden ones marked. */
export async function openSheetRows(
  workbook: XlsxPackage,
  reader: ReaderInternals,
  sheet: SheetPart,
  date1904: boolean,
): Promise<SheetRows> {
  const { path } = workbook;
  const sheetEntry = workbook.entry(sheet.part);
  if (!sheetEntry) throw damaged(path, new ZipFormatError(`${sheet.part} missing`));
  refuseUnpackedOver(path, sheetEntry, MAX_SHEET_BYTES, 'arket');
  const stream = guarded(path, await workbook.stream(sheetEntry), SHEET_LIMITS);
  const hiddenRows = new SheetMarkup();
  pipeline(stream, hiddenRows, () => {});
  workbook.readingSheet(hiddenRows);
  const [emitted] = reader._parseWorksheet(hiddenRows, '1');
  if (!emitted) throw new Error('exceljs did not emit the worksheet');
  const excelRows = emitted.value[Symbol.asyncIterator]();
  let done = false;

  const nextRow = async (): Promise<FoundRow | undefined> => {
    for (;;) {
      // close() while a consumer is reading ends its loop quietly; stopping is not a broken file.
      if (workbook.closed || done) return undefined;
      let next: IteratorResult<ExcelRow>;
      try {
        next = await excelRows.next();
      } catch (error) {
        if (workbook.closed || done) return undefined;
        if (error instanceof FleetFileError) throw error;
        throw damaged(path, error);
      }
      if (next.done) return undefined;
      const row = next.value;
      if (!Number.isSafeInteger(row.number) || row.number < 1) {
        throw damaged(path, new Error('row without a row number'));
      }
      const hidden = hiddenRows.wasHidden(row.number);
      const cells = rowTexts(row, date1904);
      if (cells !== undefined)
        return hidden ? { rowNumber: row.number, cells, hidden } : { rowNumber: row.number, cells };
    }
  };
  const stop = async (): Promise<void> => {
    done = true;
    await excelRows.return?.(undefined).catch(() => undefined);
    hiddenRows.destroy();
  };
  return { nextRow, stop };
}

/** A row's cells as text by column (gaps filled with ''), or undefined when every cell is blank. */
function rowTexts(row: ExcelRow, date1904: boolean): string[] | undefined {
  const cells: string[] = [];
  let blank = true;
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    const value = isFormula(cell) ? { result: cell.result } : cell.value;
    const text = cellText(value, cell.numFmt, date1904);
    if (text === '') return;
    while (cells.length < column - 1) cells.push('');
    cells[column - 1] = text;
    blank = false;
  });
  return blank ? undefined : cells;
}
