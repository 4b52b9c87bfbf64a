// The two places the report reaches into exceljs' streaming writer past its public API, checked against exceljs
// 4.4 (lib/stream/xlsx/workbook-writer.js, worksheet-writer.js) by the report tests: how far the zip lags behind
// a sheet, and the order of the sheets' tabs.

import type ExcelJS from 'exceljs';

/**
 * How much of a sheet's XML waits to be compressed. exceljs' worksheet stream hands its XML to the zip
 * without backpressure, so a fast writer would pile the whole sheet up in memory (~100 MB for 200,000 rows)
 * while zlib and the disk lag behind. This peeks at the sheet stream's buffers and the pipe the zip reads it
 * through; should they change, it reports 0 and writing simply does not pause.
 */
export function zipBacklog(sheet: ExcelJS.Worksheet): number {
  const internals = sheet as unknown as {
    stream?: {
      pipes?: readonly { writableLength?: number; _writableState?: { length?: number } }[];
      buffers?: readonly unknown[];
      bufSize?: number;
    };
  };
  const stream = internals.stream;
  if (!stream) return 0;
  const pipe = stream.pipes?.[0];
  // The pipe is a readable-stream 2.x PassThrough, older than `writableLength`.
  if (pipe) return pipe.writableLength ?? pipe._writableState?.length ?? 0;
  // Not read by the zip yet (it is still compressing the previous sheet): the XML collects in the stream.
  return (stream.buffers?.length ?? 0) * (stream.bufSize ?? 0);
}

/** Whether `putSheetFirst` can reorder this workbook's sheets: asked before anything is written. */
export function canPutSheetFirst(workbook: ExcelJS.stream.xlsx.WorkbookWriter): boolean {
  return Array.isArray((workbook as unknown as { _worksheets?: unknown })._worksheets);
}

/**
 * Makes `sheet` the workbook's first tab. The streaming writer lists the sheets in the order they were added,
 * and each sheet's XML goes into the zip as it is written, one sheet after the other: a sheet added first but
 * written last would hold every later sheet in memory until then. So a sheet written last that must come first
 * is moved to the front of the writer's list (`_worksheets`, indexed by sheet id, whose order is the order of
 * the tabs in workbook.xml; each sheet keeps its id and part name). Call it just before `commit()`: no sheet
 * may be added after it. Throws, before anything is committed, should exceljs keep its sheets otherwise.
 */
export function putSheetFirst(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: ExcelJS.Worksheet): void {
  const internals = workbook as unknown as { _worksheets?: unknown };
  const sheets = internals._worksheets;
  if (!Array.isArray(sheets) || !sheets.includes(sheet)) {
    throw new Error('exceljs keeps its streaming workbook sheets otherwise than 4.4 did');
  }
  // Index 0 stays a hole, as exceljs leaves it: its commit maps over the entries and skips holes only.
  const reordered: unknown[] = [];
  reordered[1] = sheet;
  for (const other of sheets) if (other && other !== sheet) reordered.push(other);
  internals._worksheets = reordered;
}
