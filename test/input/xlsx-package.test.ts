import { describe, expect, it } from 'vitest';
import { newWorkbookReader } from '../../src/input/xlsx-exceljs.ts';
import { partPath, type WorkbookLayout, XlsxPackage } from '../../src/input/xlsx-package.ts';
import { rejection, useTempDir, writeBytes, xlsxParts, zipBytes } from '../support/input-files.ts';

// The workbook package on its own (src/input/xlsx-package.ts): which part is which, read from workbook.xml and
// its relationships, before any row is read.

const file = useTempDir();

async function layoutOf(name: string, parts: Record<string, string>): Promise<WorkbookLayout> {
  const workbook = await XlsxPackage.open(await writeBytes(file(name), zipBytes(parts)));
  try {
    await workbook.readDirectory();
    return await workbook.readLayout(newWorkbookReader(workbook.path));
  } finally {
    await workbook.close();
  }
}

describe('partPath', () => {
  it.each([
    ['worksheets/sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['/xl/worksheets/sheet2.xml', 'xl/worksheets/sheet2.xml'],
    ['../xl/sharedStrings.xml', 'xl/sharedStrings.xml'],
    ['./styles.xml', 'xl/styles.xml'],
  ])('reads the target %s as the part %s', (target, part) => {
    expect(partPath(target)).toBe(part);
  });
});

describe('XlsxPackage.readLayout', () => {
  it('lists the sheets in order with their visibility and parts, and finds the strings and styles', async () => {
    const layout = await layoutOf(
      'layout.xlsx',
      xlsxParts(
        [
          { name: 'Forside', sheetData: '' },
          { name: 'Skjult', state: 'veryHidden', sheetData: '' },
          { name: 'Flåte', sheetData: '' },
        ],
        { sharedStrings: ['a'], stylesXml: '<styleSheet/>' },
      ),
    );
    expect(layout.sheets).toEqual([
      { name: 'Forside', hidden: false, part: 'xl/worksheets/sheet1.xml' },
      { name: 'Skjult', hidden: true, part: 'xl/worksheets/sheet2.xml' },
      { name: 'Flåte', hidden: false, part: 'xl/worksheets/sheet3.xml' },
    ]);
    expect(layout.sharedStrings?.name).toBe('xl/sharedStrings.xml');
    expect(layout.styles?.name).toBe('xl/styles.xml');
    expect(layout.date1904).toBe(false);
  });

  it.each(['1', 'true'])('reads date1904="%s" as the 1904 date system', async (value) => {
    const layout = await layoutOf(
      `date1904-${value}.xlsx`,
      xlsxParts([{ name: 'Ark1', sheetData: '' }], { workbookPr: `<workbookPr date1904="${value}"/>` }),
    );
    expect(layout.date1904).toBe(true);
  });

  it('has no strings or styles when the workbook holds none', async () => {
    const layout = await layoutOf('bare.xlsx', xlsxParts([{ name: 'Ark1', sheetData: '' }]));
    expect(layout.sharedStrings).toBeUndefined();
    expect(layout.styles).toBeUndefined();
  });

  it.each([
    [
      'an OpenDocument spreadsheet',
      { mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' },
      /OpenDocument/,
    ],
    ['a binary workbook', { 'xl/workbook.bin': 'x' }, /\.xlsb/],
    ['another zip', { 'readme.txt': 'x' }, /zip-fil, men ikke en Excel-arbeidsbok/],
  ])('refuses %s, saying what it is', async (what, parts, message) => {
    const error = await rejection(layoutOf(`${what.replaceAll(' ', '-')}.xlsx`, parts));
    expect(error.message).toMatch(message);
  });

  it('refuses a workbook without its relationships', async () => {
    const { 'xl/_rels/workbook.xml.rels': _rels, ...parts } = xlsxParts([{ name: 'Ark1', sheetData: '' }]);
    const error = await rejection(layoutOf('no-rels.xlsx', parts));
    expect(error.message).toMatch(/ikke en Excel-arbeidsbok/);
  });
});
