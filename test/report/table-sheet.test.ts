// TableSheet while other work waits on the event loop: it writes a bounded number of rows a turn.

import { describe, expect, it } from 'vitest';
import { createWorkbookWriter, type TableColumn } from '../../src/report/excel.ts';
import { openPrivateOutput } from '../../src/report/files.ts';
import { ROWS_PER_TURN, TableSheet } from '../../src/report/table-sheet.ts';
import { useTempDir } from '../support/input-files.ts';
import { dataRows, readWorkbook, sheet } from '../support/report-read-back.ts';

const at = useTempDir();

const columns: TableColumn<number>[] = [
  { header: 'Rad', maxWidth: 8, value: (n) => n },
  { header: 'Tekst', maxWidth: 20, value: (n) => `rad ${n}` },
];

describe('TableSheet', () => {
  it(`writes at most ${ROWS_PER_TURN} rows in one turn of the event loop, the width sample included`, async () => {
    const path = at('turns.xlsx');
    const output = await openPrivateOutput(path);
    const workbook = createWorkbookWriter(output.stream);
    const table = new TableSheet(workbook, 'Vellykket', columns, output);
    const rows = Array.from({ length: 1_234 }, (_, i) => i + 2);
    // What is written at each turn, seen from another task on the same event loop.
    const seen: number[] = [];
    let adding = true;
    const watch = () => {
      seen.push(table.written);
      if (adding) setImmediate(watch);
    };
    setImmediate(watch);
    await table.add(rows.slice(0, 150));
    await table.add(rows.slice(150));
    adding = false;
    expect(await table.end()).toBe(rows.length);
    await workbook.commit();
    await output.closed();

    const steps = seen.slice(1).map((written, i) => written - (seen[i] as number));
    expect(Math.max(...steps)).toBeLessThanOrEqual(ROWS_PER_TURN);
    expect(seen.at(-1)).toBe(rows.length);
    const back = await readWorkbook(path);
    expect(dataRows(sheet(back, 'Vellykket')).map((row) => row.getCell(1).value)).toEqual(rows);
  });
});
