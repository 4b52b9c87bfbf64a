import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openZipEntry, readZipDirectory, readZipEntry } from '../../src/input/zip.ts';
import type { LedgerRow } from '../../src/ledger/types.ts';
import { DATA_ROWS_PER_SHEET, MAX_ROWS } from '../../src/report/excel-limits.ts';
import { writeFileReports } from '../../src/report/load-writer.ts';
import type { ReportInput } from '../../src/report/types.ts';
import { fileRecord, ledgerRow } from '../report/fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-rows-soak-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The highest row number (`<row r="N"`) in a sheet part, read as a stream. */
async function lastRow(path: string, part: string): Promise<number> {
  const handle = await open(path);
  try {
    const size = (await handle.stat()).size;
    const entry = (await readZipDirectory(handle, size)).get(part);
    if (!entry) throw new Error(`no ${part}`);
    let last = 0;
    let carry = '';
    for await (const chunk of await openZipEntry(handle, size, entry)) {
      const text = carry + (chunk as Buffer).toString('latin1');
      for (const match of text.matchAll(/<row r="(\d+)"/g)) last = Math.max(last, Number(match[1]));
      carry = text.slice(-32);
    }
    return last;
  } finally {
    await handle.close();
  }
}

describe('a report with more rows than an Excel sheet holds (soak)', () => {
  it('folds the rows into a second sheet, none past row 1,048,576, and says so', async () => {
    // A CSV may hold more rows than a sheet: here every one is invalid, the sheet that gets them all.
    const total = DATA_ROWS_PER_SHEET + 10;
    const template = ledgerRow(2, 'invalid');
    const input: ReportInput = {
      file: fileRecord({ name: 'stor.csv' }),
      runStartedAt: new Date(),
      runFinishedAt: new Date(),
      counts: { rows: total, ok: 0, stopped: 0, failed: 0, invalid: total, skipped: 0 },
      pending: 0,
      *rowsWithStatus(statuses) {
        if (!statuses.includes('invalid')) return;
        for (let n = 2; n < total + 2; n++) yield { ...template, rowNumber: n } satisfies LedgerRow;
      },
    };
    const paths = await writeFileReports(input, dir);

    const handle = await open(paths.xlsx);
    const size = (await handle.stat()).size;
    const parts = await readZipDirectory(handle, size);
    const part = async (name: string) => {
      const entry = parts.get(name);
      if (!entry) throw new Error(`no ${name}`);
      return (await readZipEntry(handle, size, entry, 1 << 20)).toString();
    };
    const workbookXml = await part('xl/workbook.xml');
    const overviewXml = await part('xl/worksheets/sheet1.xml');
    await handle.close();
    expect(workbookXml).toContain('name="Ugyldig (2)"');
    expect(overviewXml).toContain('fortsetter i arket «Ugyldig (2)»');
    // Sheets in order: Oppsummering, Vellykket, Stoppet, Feilet, Ugyldig, Ugyldig (2), Hoppet over.
    expect(await lastRow(paths.xlsx, 'xl/worksheets/sheet5.xml')).toBe(MAX_ROWS);
    expect(await lastRow(paths.xlsx, 'xl/worksheets/sheet6.xml')).toBe(11);
  }, 600_000);
});
