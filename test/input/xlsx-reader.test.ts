import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import { FleetFileError } from '../../src/input/types.ts';
import type { XlsxFleetFile } from '../../src/input/xlsx-reader.ts';
import { readAll, rejection, useTempDir, writeBytes, xlsxParts, zipBytes } from '../support/input-files.ts';

const file = useTempDir();

/** Saved the way Excel saves: shared strings, styles, sheet parts before the shared strings in the zip. */
async function excelLikeWorkbook(path: string): Promise<string> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
    useStyles: true,
  });
  const hidden = workbook.addWorksheet('Oppsett');
  hidden.state = 'hidden';
  hidden.addRow(['Ikke', 'denne']).commit();
  hidden.commit();

  const sheet = workbook.addWorksheet('Biler');
  // Row 1 blank, header in row 2, blank rows 4 and 6: Excel numbers must survive.
  sheet.getRow(2).values = ['Kjennemerke', 'Fnr', 'Org.nr', 'Etternavn', 'Startdato', 'Kommentar'];
  sheet.getRow(2).commit();
  const lostZero = sheet.getRow(3);
  lostZero.values = [
    'CU10001',
    3848510016,
    311000012,
    'Ærøe',
    new Date(Date.UTC(2024, 0, 5)),
    'vanlig tekst',
  ];
  lostZero.commit();
  const masked = sheet.getRow(5);
  masked.values = [
    'CU10002',
    1827810092,
    null,
    { richText: [{ text: 'Øst', font: { bold: true } }, { text: 'by' }] },
    { formula: 'DATE(2024,2,29)', result: 45351 },
    { text: 'Se avtalen', hyperlink: 'https://example.invalid/avtale' },
  ];
  masked.getCell(2).numFmt = '00000000000';
  masked.getCell(5).numFmt = 'dd.mm.yyyy';
  masked.commit();
  const formulas = sheet.getRow(7);
  formulas.values = [
    { formula: 'UPPER("cu10003")', result: 'CU10003' },
    { formula: '12837510706*1', result: 12837510706 },
    { formula: '0*1', result: 0 },
    true,
    { error: '#N/A' },
    { formula: '1/0', result: { error: '#DIV/0!' } },
  ];
  formulas.commit();
  sheet.commit();
  await workbook.commit();
  return path;
}

describe('an .xlsx saved the way Excel saves it', () => {
  let path = '';
  beforeAll(async () => {
    path = await excelLikeWorkbook(file('excel.xlsx'));
  });

  it('reads the first visible sheet, skipping a hidden one before it', async () => {
    const { file: opened, headers } = await readAll(path);
    expect((opened as XlsxFleetFile).sheet).toBe('Biler');
    expect((opened as XlsxFleetFile).sheets).toEqual([
      { name: 'Oppsett', hidden: true },
      { name: 'Biler', hidden: false },
    ]);
    expect(headers).toEqual(['Kjennemerke', 'Fnr', 'Org.nr', 'Etternavn', 'Startdato', 'Kommentar']);
  });

  it("keeps Excel's row numbers: header after a blank row, blank rows between data rows", async () => {
    const { headerRowNumber, rows } = await readAll(path);
    expect(headerRowNumber).toBe(2);
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 5, 7]);
  });

  it('gives numbers as plain digits, so a fødselsnummer that lost its leading zero has 10 digits', async () => {
    const { rows } = await readAll(path);
    expect(rows[0]?.cells).toEqual([
      'CU10001',
      '3848510016',
      '311000012',
      'Ærøe',
      '05.01.2024',
      'vanlig tekst',
    ]);
  });

  it('applies a 00000000000 number format, joins rich text, shows a hyperlink by its text and a date formula as a date', async () => {
    const { rows } = await readAll(path);
    expect(rows[1]?.cells).toEqual(['CU10002', '01827810092', '', 'Østby', '29.02.2024', 'Se avtalen']);
  });

  it("gives formulas' cached results, including 0, and booleans and errors as stored", async () => {
    const { rows } = await readAll(path);
    expect(rows[2]?.cells).toEqual(['CU10003', '12837510706', '0', 'TRUE', '#N/A', '#DIV/0!']);
  });

  it('reads a sheet named with --sheet, also a hidden one, matching the name without regard to case', async () => {
    const { file: opened, headers, rows } = await readAll(path, { sheet: 'oppsett' });
    expect((opened as XlsxFleetFile).sheet).toBe('Oppsett');
    expect(headers).toEqual(['Ikke', 'denne']);
    expect(rows).toEqual([]);
  });

  it('lists the sheet names when the named sheet does not exist', async () => {
    const error = await rejection(openFleetFile(path, { sheet: 'Leasing' }));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toBe(
      'Fant ikke arket «Leasing» i "excel.xlsx". Arkene i filen er: «Oppsett» (skjult), «Biler».',
    );
  });

  it('reads lazily and can be closed mid-way, twice', async () => {
    const opened = await openFleetFile(path);
    for await (const row of opened.rows) {
      expect(row.rowNumber).toBe(3);
      break;
    }
    await opened.close();
    await opened.close();
  });
});

describe('a large .xlsx', () => {
  it('ends a reading loop quietly when close() is called during it', async () => {
    const path = file('many.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Ark1');
    sheet.addRow(['Kjennemerke', 'Etternavn']).commit();
    for (let i = 0; i < 5000; i++) sheet.addRow([`CU${10000 + i}`, 'Firkant']).commit();
    sheet.commit();
    await workbook.commit();
    const opened = await openFleetFile(path);
    let read = 0;
    for await (const _ of opened.rows) {
      if (++read === 100) void opened.close();
    }
    expect(read).toBe(100);
  });
});

describe('an .xlsx saved by LibreOffice', () => {
  it('reads fødselsnummer and organisasjonsnummer that became numbers (fixtures/flate-tapte-nuller.xlsx)', async () => {
    const { headers, rows } = await readAll('fixtures/flate-tapte-nuller.xlsx');
    expect(headers).toEqual(['Regnr', 'Handling', 'Fnr', 'Org.nr', 'Etternavn']);
    expect(rows[0]).toEqual({ rowNumber: 2, cells: ['CU10021', 'OPPRETTE', '3848510016', '', 'Ærøe'] });
    expect(rows[1]).toEqual({
      rowNumber: 3,
      cells: ['CU10022', 'OPPRETTE', '', '311000012', 'Firkant Bil AS'],
    });
    expect(rows.map((r) => r.cells[2]?.length)).toEqual([10, 0, 10, 11, 10, 0, 10, 11]);
  });

  it('reads zero-padded numbers, rich text, dates, hyperlinks, formulas and blank rows (fixtures/flate-libreoffice-kvirker.xlsx)', async () => {
    const {
      file: opened,
      headerRowNumber,
      headers,
      rows,
    } = await readAll('fixtures/flate-libreoffice-kvirker.xlsx');
    expect((opened as XlsxFleetFile).sheets).toEqual([
      { name: 'Flåte', hidden: false },
      { name: 'Oppslag', hidden: true },
    ]);
    expect(headerRowNumber).toBe(2);
    expect(headers).toEqual([
      'Kjennemerke',
      'Handling',
      'Fødselsnummer',
      'Org.nr',
      'Etternavn',
      'Startdato',
      'Avtale',
    ]);
    expect(rows).toEqual([
      { rowNumber: 3, cells: ['CU10041', 'OPPRETTE', '01827810092', '', 'Østby', '29.02.2024', 'Avtale 41'] },
      { rowNumber: 5, cells: ['CU10042', 'AVSLUTTE', '', '311000179', 'Firkant Bil AS', '01.03.2024', ''] },
      { rowNumber: 6, cells: ['CU10043', 'OPPRETTE', '12837510706', '', 'Ærøe', '', ''] },
    ]);
  });

  it('reads its hidden sheet when named', async () => {
    const { rows } = await readAll('fixtures/flate-libreoffice-kvirker.xlsx', { sheet: 'Oppslag' });
    expect(rows).toEqual([{ rowNumber: 2, cells: ['OPPRETTE', 'Registrer leasingtaker'] }]);
  });
});

describe('an .xlsx written by other programs', () => {
  it('reads inline strings (no shared strings part), as some online tools write them', async () => {
    const path = await writeBytes(
      file('inline.xlsx'),
      zipBytes(
        xlsxParts([
          {
            name: 'Ark1',
            sheetData:
              '<row r="1"><c r="A1" t="inlineStr"><is><t>Kjennemerke</t></is></c><c r="B1" t="inlineStr"><is><t>Etternavn</t></is></c></row>' +
              '<row r="2"><c r="A2" t="inlineStr"><is><t>CU10001</t></is></c><c r="B2" t="inlineStr"><is><t xml:space="preserve"> Åsheim </t></is></c></row>' +
              '<row r="3"><c r="A3" t="str"><v>CU10002</v></c><c r="B3" t="str"><v>Bråten</v></c></row>',
          },
        ]),
      ),
    );
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Kjennemerke', 'Etternavn']);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['CU10001', 'Åsheim'] },
      { rowNumber: 3, cells: ['CU10002', 'Bråten'] },
    ]);
  });

  it("follows the workbook's sheet order, not the order of the sheet parts", async () => {
    const parts = xlsxParts([
      { name: 'Gammel', sheetData: '<row r="1"><c r="A1" t="inlineStr"><is><t>gammel</t></is></c></row>' },
      { name: 'Ny', sheetData: '<row r="1"><c r="A1" t="inlineStr"><is><t>ny</t></is></c></row>' },
    ]);
    // Move "Ny" (sheet2.xml) to the front, as Excel does when a sheet tab is dragged.
    parts['xl/workbook.xml'] = (parts['xl/workbook.xml'] as string).replace(
      /(<sheet name="Gammel"[^>]*\/>)(<sheet name="Ny"[^>]*\/>)/,
      '$2$1',
    );
    const { headers } = await readAll(await writeBytes(file('order.xlsx'), zipBytes(parts)));
    expect(headers).toEqual(['ny']);
  });

  it('decodes _xHHHH_ escapes and applies digit masks with literals', async () => {
    const styles =
      '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<numFmts count="1"><numFmt numFmtId="164" formatCode="000000\\ 00000"/></numFmts>' +
      '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>' +
      '<cellStyleXfs count="1"><xf/></cellStyleXfs>' +
      '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>' +
      '</styleSheet>';
    const parts = xlsxParts(
      [
        {
          name: 'Ark1',
          sheetData:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
            '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>1827810092</v></c><c r="C2" s="2"><v>1</v></c></row>',
        },
      ],
      {
        sharedStrings: ['Merknad', 'Fnr', 'Dato', 'linje_x000D_\nto _x005F_x0041_'],
        stylesXml: styles,
        workbookPr: '<workbookPr date1904="1"/>',
      },
    );
    const { rows } = await readAll(await writeBytes(file('escapes.xlsx'), zipBytes(parts)));
    expect(rows[0]?.cells).toEqual(['linje\r\nto _x0041_', '018278 10092', '02.01.1904']);
  });
});

describe('files that are not readable workbooks', () => {
  it('refuses random bytes named .xlsx as not a valid Excel file', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    const error = await rejection(openFleetFile(await writeBytes(file('random.xlsx'), bytes)));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/^"random.xlsx" er ikke en gyldig Excel-fil\./);
  });

  it('refuses a truncated .xlsx as damaged or incomplete', async () => {
    const whole = await readFile(await excelLikeWorkbook(file('whole.xlsx')));
    const error = await rejection(
      openFleetFile(await writeBytes(file('cut.xlsx'), whole.subarray(0, whole.length / 2))),
    );
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/skadet eller ufullstendig/);
  });

  it('reports a damaged sheet part as a FleetFileError while reading, without crashing', async () => {
    const sheetData = Array.from(
      { length: 2000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>CU${10000 + i}</t></is></c></row>`,
    ).join('');
    const zip = zipBytes(xlsxParts([{ name: 'Ark1', sheetData }]));
    // Flip bytes in the middle of the compressed sheet: the deflate stream or its checksum fails.
    const at = zip.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) + 200;
    for (let i = at; i < at + 40; i++) zip[i] = (zip[i] as number) ^ 0x5a;
    const path = await writeBytes(file('damaged.xlsx'), zip);
    const error = await rejection(readAll(path));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/skadet/);
  });

  it('refuses a zip that is not a workbook', async () => {
    const path = await writeBytes(file('other.xlsx'), zipBytes({ 'word/document.xml': '<w/>' }));
    const error = await rejection(openFleetFile(path));
    expect(error.message).toMatch(/er en zip-fil, men ikke en Excel-arbeidsbok/);
  });

  it('recognises an OpenDocument spreadsheet renamed to .xlsx', async () => {
    const path = await writeBytes(
      file('renamed-ods.xlsx'),
      zipBytes({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' }),
    );
    const error = await rejection(openFleetFile(path));
    expect(error.message).toMatch(/OpenDocument-regneark.*Excel 2007-365 \(\.xlsx\)/);
  });

  it('refuses a workbook whose sheets are all hidden', async () => {
    const parts = xlsxParts([{ name: 'Skjult', state: 'hidden', sheetData: '' }]);
    const error = await rejection(openFleetFile(await writeBytes(file('all-hidden.xlsx'), zipBytes(parts))));
    expect(error.message).toMatch(/har bare skjulte ark \(«Skjult» \(skjult\)\)/);
  });

  it('refuses a sheet without any filled row as having no header', async () => {
    const parts = xlsxParts([{ name: 'Tom', sheetData: '<row r="1"><c r="A1"/></row>' }]);
    const error = await rejection(openFleetFile(await writeBytes(file('empty-sheet.xlsx'), zipBytes(parts))));
    expect(error.message).toBe('Arket «Tom» i "empty-sheet.xlsx" er tomt (ingen overskriftsrad).');
  });
});
