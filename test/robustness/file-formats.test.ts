// Issue 13.11: one rule maps a file's extension to its format, for the claim (the ledger's record), the reader
// and the retry file. An .xlsm was read as a workbook but recorded as CSV, so its retry file was a `.igjen.csv`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import {
  createInstallation,
  filesBelow,
  filesUnder,
  type Installation,
  latestSummary,
  planSingles,
} from '../support/installation.ts';

describe('a macro-enabled workbook (.xlsm)', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('is recorded as a workbook and gets a workbook as its retry file', async () => {
    install = await createInstallation();
    const rows = planSingles(3, 96_000); // the first plate is unknown to the register: stopped, into the retry file
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Flåte');
    sheet.addRow(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
    for (const row of rows) sheet.addRow([row.plate, row.handling, row.fnr, row.etternavn]);
    writeFileSync(join(install.inbox, 'makro.xlsm'), Buffer.from(await workbook.xlsx.writeBuffer()));

    const run = await install.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(latestSummary(install.reports, 'makro.xlsm')).toMatchObject({ rows: 3, ok: 2, stopped: 1 });
    const reports = filesBelow(install.reports);
    expect(reports.filter((path) => path.includes('.igjen.'))).toEqual([
      expect.stringMatching(/makro\.[^/]+\.igjen\.xlsx$/),
    ]);
    // The retry file reads back as a fleet file with the stopped row.
    const retry = filesUnder(install.reports).find((path) => path.includes('.igjen.')) as string;
    const opened = await openFleetFile(retry);
    try {
      expect(opened.format).toBe('xlsx');
      const plates: string[] = [];
      for await (const row of opened.rows) plates.push(String(row.cells[0]));
      expect(plates).toEqual([rows[0]?.plate]);
    } finally {
      await opened.close();
    }
  }, 60_000);
});
