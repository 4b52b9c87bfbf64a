import { describe, expect, it } from 'vitest';
import { createWorkbookWriter } from '../../src/report/excel.ts';
import { canPutSheetFirst, putSheetFirst } from '../../src/report/exceljs-internals.ts';
import { openPrivateOutput } from '../../src/report/files.ts';
import { useTempDir } from '../support/input-files.ts';
import { readWorkbook } from '../support/report-read-back.ts';

const at = useTempDir();

describe('putSheetFirst', () => {
  it('makes a sheet added last the first tab, the others in the order they were added, parts included', async () => {
    const path = at('order.xlsx');
    const output = await openPrivateOutput(path);
    const workbook = createWorkbookWriter(output.stream);
    expect(canPutSheetFirst(workbook)).toBe(true);
    // As a workbook begun early is written: the rows first (with a second part), the overview last.
    for (const name of ['Vellykket', 'Vellykket (2)', 'Oppsummering', 'Stoppet', 'Feilet']) {
      const sheet = workbook.addWorksheet(name);
      sheet.addRow([name]).commit();
      sheet.commit();
    }
    const overview = workbook.getWorksheet('Oppsummering');
    if (!overview) throw new Error('the overview was added');
    putSheetFirst(workbook, overview);
    await workbook.commit();
    await output.closed();

    const read = await readWorkbook(path);
    expect(read.worksheets.map((sheet) => sheet.name)).toEqual([
      'Oppsummering',
      'Vellykket',
      'Vellykket (2)',
      'Stoppet',
      'Feilet',
    ]);
    // Each tab still holds its own sheet's rows.
    expect(read.worksheets.map((sheet) => sheet.getCell('A1').value)).toEqual(
      read.worksheets.map((sheet) => sheet.name),
    );
  });
});
