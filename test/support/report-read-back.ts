// Reading reports back the way a person's Excel would see them: the non-streaming exceljs reader.

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

export const SHEET_NAMES = ['Oppsummering', 'Vellykket', 'Stoppet', 'Feilet', 'Ugyldig', 'Hoppet over'];

export async function readWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

/** Every sheet's rows as plain values (header row included), by sheet name. */
export async function readSheets(path: string): Promise<Map<string, unknown[][]>> {
  const workbook = await readWorkbook(path);
  const sheets = new Map<string, unknown[][]>();
  workbook.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    sheets.set(sheet.name, rows);
  });
  return sheets;
}

export function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

export function headerTexts(ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell) => {
    out.push(String(cell.value ?? ''));
  });
  return out;
}

/** Data rows (below the header) as cells, for looking at values and types. */
export function dataRows(ws: ExcelJS.Worksheet): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push(row);
  });
  return rows;
}

/** The `Rad` number of every data row. */
export function radNumbers(ws: ExcelJS.Worksheet): number[] {
  return dataRows(ws).map((row) => row.getCell(1).value as number);
}

/** The cell of a data row under a header; `last` picks the input's column when the report has one too. */
export function cellUnder(
  ws: ExcelJS.Worksheet,
  row: ExcelJS.Row,
  header: string,
  last = false,
): ExcelJS.Cell {
  const headers = headerTexts(ws);
  const index = last ? headers.lastIndexOf(header) : headers.indexOf(header);
  if (index < 0) throw new Error(`no column ${header} in ${ws.name}: ${headers.join(', ')}`);
  return row.getCell(index + 1);
}

/** Every non-empty cell text of a sheet, for "the sheet says X somewhere" checks. */
export function allText(ws: ExcelJS.Worksheet): string {
  const texts: string[] = [];
  ws.eachRow((row) => {
    row.eachCell((cell) => {
      texts.push(String(cell.value));
    });
  });
  return texts.join('\n');
}

export async function readCsv(path: string, delimiter = ';'): Promise<{ raw: Buffer; records: string[][] }> {
  const raw = await readFile(path);
  const records = parse(raw, { bom: true, delimiter, relax_column_count: false }) as string[][];
  return { raw, records };
}
