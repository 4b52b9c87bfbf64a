import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ValueTypes, WorkbookReader } from '../../src/input/xlsx-exceljs.ts';
import { WorkbookWriter } from '../../src/report/excel.ts';

// The job loads exceljs' parts by their paths inside the package, not its entry (which loads all of it). An
// upgrade that moves or changes a part must fail here, not in a run.
describe('the exceljs parts loaded by path', () => {
  it('are the classes and enums the package entry exports', () => {
    expect(WorkbookWriter).toBe(ExcelJS.stream.xlsx.WorkbookWriter);
    expect(WorkbookReader).toBe(ExcelJS.stream.xlsx.WorkbookReader);
    expect(ValueTypes).toBe(ExcelJS.ValueType);
  });
});
