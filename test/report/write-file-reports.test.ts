import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../src/ledger/types.ts';
import { writeFileReports } from '../../src/report/load-writer.ts';
import { fileRecord, ledgerRow, reportInput, syntheticFodselsnummer } from './fixtures.ts';
import {
  allText,
  cellUnder,
  dataRows,
  headerTexts,
  radNumbers,
  readCsv,
  readWorkbook,
  SHEET_NAMES,
  sheet,
} from './read-back.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One row of each status, plus the cells that must survive as text. */
function mixedRows(): LedgerRow[] {
  const leadingZero = syntheticFodselsnummer('018800');
  return [
    ledgerRow(2, 'ok'),
    ledgerRow(3, 'ok', { cells: ['CU10003', leadingZero, 'Ærøe', 'OPPRETTE', '=1+1'], alreadySo: true }),
    ledgerRow(4, 'stopped', { cells: ['CU10004', '63888700414', 'Østby', 'OPPRETTE', '@SUM(A1)'] }),
    ledgerRow(5, 'failed', { cells: ['CU10005', '63888700414', 'Aasen', 'AVSLUTTE', '-2+3'] }),
    ledgerRow(6, 'pending'),
    ledgerRow(7, 'sending'),
    ledgerRow(8, 'invalid', {
      problems: [
        { column: 'Fødselsnummer', reason: 'Kontrollsifrene stemmer ikke' },
        { column: 'Kjennemerke', reason: 'Ikke et gyldig kjennemerke' },
      ],
    }),
    ledgerRow(9, 'skipped'),
  ];
}

describe('writeFileReports', () => {
  it('names the files after the input and the run, and returns their paths', async () => {
    const input = reportInput(mixedRows());
    const paths = await writeFileReports(input, dir);
    const prefix = join(dir, 'flåte.csv.2025-03-04T09-00-01');
    expect(paths).toEqual({
      xlsx: `${prefix}.xlsx`,
      summary: `${prefix}.summary.json`,
      retry: `${prefix}.igjen.csv`,
    });
    // Nothing else: no temp files or locks left behind.
    expect((await readdir(dir)).sort()).toEqual([
      'flåte.csv.2025-03-04T09-00-01.igjen.csv',
      'flåte.csv.2025-03-04T09-00-01.summary.json',
      'flåte.csv.2025-03-04T09-00-01.xlsx',
    ]);
  });

  it('writes the sheets in order, each row in its sheet with its Rad', async () => {
    const input = reportInput(mixedRows());
    const { xlsx } = await writeFileReports(input, dir);
    const workbook = await readWorkbook(xlsx);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(SHEET_NAMES);
    expect(radNumbers(sheet(workbook, 'Vellykket'))).toEqual([2, 3]);
    expect(radNumbers(sheet(workbook, 'Stoppet'))).toEqual([4]);
    expect(radNumbers(sheet(workbook, 'Feilet'))).toEqual([5, 6, 7]);
    expect(radNumbers(sheet(workbook, 'Ugyldig'))).toEqual([8]);
    expect(radNumbers(sheet(workbook, 'Hoppet over'))).toEqual([9]);
    // Each sheet asked the ledger once, for its own statuses (and the retry file once).
    expect(input.calls).toContainEqual(['failed', 'pending', 'sending']);
    expect(input.calls).toHaveLength(6);
  });

  it("gives each row sheet Rad, Kjennemerke, its own columns, then all of the input's", async () => {
    const { xlsx } = await writeFileReports(reportInput(mixedRows()), dir);
    const workbook = await readWorkbook(xlsx);
    // The input's Kjennemerke and Handling are marked as the file's where the sheet has its own.
    const input = ['Kjennemerke (fra fila)', 'Fødselsnummer', 'Etternavn', 'Handling (fra fila)', 'Notat'];
    const own: Record<string, string[]> = {
      Vellykket: [
        'Handling',
        'KUID',
        'Understellsnummer',
        'Merke',
        'Handelsbetegnelse',
        'Leasingtaker',
        'Var allerede slik',
      ],
      Stoppet: ['Handling', 'Merknadskode', 'Merknad'],
      Feilet: ['Handling', 'Feil', 'HTTP-status', 'Forsøk', 'Kjøringer'],
      Ugyldig: ['Kolonne', 'Årsak'],
      'Hoppet over': ['Handling', 'Årsak', 'Gjort tidligere', 'Fil', 'Rad i den filen'],
    };
    for (const [name, columns] of Object.entries(own)) {
      const ownInput =
        name === 'Ugyldig' ? input.map((h) => h.replace('Handling (fra fila)', 'Handling')) : input;
      expect(headerTexts(sheet(workbook, name))).toEqual(['Rad', 'Kjennemerke', ...columns, ...ownInput]);
    }
  });

  it('makes the header bold, frozen and filterable on every row sheet, even an empty one', async () => {
    const { xlsx } = await writeFileReports(reportInput([ledgerRow(2, 'ok')]), dir);
    const workbook = await readWorkbook(xlsx);
    for (const name of SHEET_NAMES.slice(1)) {
      const ws = sheet(workbook, name);
      expect(ws.getRow(1).getCell(1).font?.bold, name).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(String(ws.autoFilter)).toMatch(/^A1:[A-Z]+1$/);
    }
    expect(dataRows(sheet(workbook, 'Stoppet'))).toEqual([]);
  });

  it('keeps fødselsnummer and formula-looking cells as text, never numbers or formulas', async () => {
    const leadingZero = syntheticFodselsnummer('018800');
    expect(leadingZero).toMatch(/^0\d{10}$/);
    const { xlsx } = await writeFileReports(reportInput(mixedRows()), dir);
    const workbook = await readWorkbook(xlsx);
    const ok = sheet(workbook, 'Vellykket');
    const [first, second] = dataRows(ok);
    if (!first || !second) throw new Error('rows missing');
    for (const [row, text] of [
      [first, '63888700414'],
      [second, leadingZero],
    ] as const) {
      const cell = cellUnder(ok, row, 'Fødselsnummer');
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
      expect(cell.numFmt).toBe('@');
    }
    const formulaLike: [string, string][] = [
      ['Vellykket', '=1+1'],
      ['Stoppet', '@SUM(A1)'],
      ['Feilet', '-2+3'],
    ];
    for (const [name, text] of formulaLike) {
      const ws = sheet(workbook, name);
      const cell = dataRows(ws)
        .map((row) => cellUnder(ws, row, 'Notat'))
        .find((c) => c.value === text);
      expect(cell?.type, `${name} ${text}`).toBe(ExcelJS.ValueType.String);
      expect(cell?.formula).toBeUndefined();
    }
    // Identifiers from the API are text too (a KUID is all digits), and Rad is a number.
    expect(cellUnder(ok, first, 'KUID').type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.Number);
    expect(cellUnder(ok, second, 'Var allerede slik').value).toBe('Ja');
  });

  it('explains stopped, failed, pending and invalid rows in their own columns', async () => {
    const rows = [
      ledgerRow(2, 'stopped', {
        merknader: [
          { kode: 'EIER_KAN_IKKE_IDENTIFISERES', beskrivelse: 'Eier kan ikke identifiseres' },
          { kode: 'ANNEN', beskrivelse: 'Noe annet' },
        ],
      }),
      ledgerRow(3, 'failed'),
      ledgerRow(4, 'pending'),
      ledgerRow(5, 'invalid', {
        problems: [
          { column: 'Fødselsnummer', reason: 'Kontrollsifrene stemmer ikke' },
          { column: 'Etternavn', reason: 'Mangler' },
        ],
      }),
      ledgerRow(6, 'skipped'),
    ];
    const { xlsx } = await writeFileReports(reportInput(rows), dir);
    const workbook = await readWorkbook(xlsx);

    const stopped = sheet(workbook, 'Stoppet');
    const [s] = dataRows(stopped);
    if (!s) throw new Error('row missing');
    expect(cellUnder(stopped, s, 'Merknadskode').value).toBe('EIER_KAN_IKKE_IDENTIFISERES\nANNEN');
    expect(cellUnder(stopped, s, 'Merknad').value).toBe('Eier kan ikke identifiseres\nNoe annet');
    expect(cellUnder(stopped, s, 'Merknad').alignment?.wrapText).toBe(true);

    const failed = sheet(workbook, 'Feilet');
    const [f, p] = dataRows(failed);
    if (!f || !p) throw new Error('rows missing');
    expect(cellUnder(failed, f, 'Feil').value).toBe('API-et svarte 503 Service Unavailable');
    expect(cellUnder(failed, f, 'HTTP-status').value).toBe(503);
    expect(cellUnder(failed, f, 'Forsøk').value).toBe(1);
    expect(cellUnder(failed, p, 'Feil').value).toBe('Ikke sendt ennå – prøves ved neste kjøring');

    const invalid = sheet(workbook, 'Ugyldig');
    const [i] = dataRows(invalid);
    if (!i) throw new Error('row missing');
    expect(cellUnder(invalid, i, 'Kolonne').value).toBe('Fødselsnummer\nEtternavn');
    expect(cellUnder(invalid, i, 'Årsak').value).toBe('Kontrollsifrene stemmer ikke\nMangler');

    const skipped = sheet(workbook, 'Hoppet over');
    const [k] = dataRows(skipped);
    if (!k) throw new Error('row missing');
    const done = cellUnder(skipped, k, 'Gjort tidligere');
    expect(done.type).toBe(ExcelJS.ValueType.Date);
    // Shown in local time: the Excel date's wall clock is the local one.
    const at = new Date('2025-01-15T09:30:00.000Z');
    expect((done.value as Date).getUTCHours()).toBe(at.getHours());
    expect(cellUnder(skipped, k, 'Fil').value).toBe('flåte-januar.csv');
    expect(cellUnder(skipped, k, 'Rad i den filen').value).toBe(7);
  });

  it('sums up the run on Oppsummering with real dates and what to do next', async () => {
    const input = reportInput(mixedRows(), {
      file: fileRecord({ owner: '910825526' }),
      notice: 'Kjøringen ble stoppet fordi API-et ikke svarte',
    });
    const { xlsx } = await writeFileReports(input, dir);
    const ws = sheet(await readWorkbook(xlsx), 'Oppsummering');
    const byLabel = new Map<string, ExcelJS.Row>();
    ws.eachRow((row) => {
      byLabel.set(String(row.getCell(1).value), row);
    });
    expect(byLabel.get('Flåteeier (org.nr.)')?.getCell(2).value).toBe('910825526');
    const started = byLabel.get('Kjøringen startet')?.getCell(2);
    if (!started) throw new Error('no start time');
    expect(started.type).toBe(ExcelJS.ValueType.Date);
    // The run started 09:00:01 local time, and Excel shows 09:00:01 whatever the time zone.
    expect((started.value as Date).getUTCHours()).toBe(9);
    expect(started.numFmt).toMatch(/dd\.mm\.yyyy hh:mm/);
    const counts = Object.fromEntries(
      ['Vellykket', 'Stoppet', 'Feilet', 'herav ikke sendt', 'Ugyldig', 'Hoppet over', 'Totalt'].map((l) => [
        l,
        byLabel.get(l)?.getCell(2).value,
      ]),
    );
    expect(counts).toEqual({
      Vellykket: 2,
      Stoppet: 1,
      Feilet: 3,
      'herav ikke sendt': 1,
      Ugyldig: 1,
      'Hoppet over': 1,
      Totalt: 8,
    });
    const text = allText(ws);
    expect(text).toContain('Kjøringen ble stoppet fordi API-et ikke svarte');
    expect(text).toContain('Hva nå?');
    expect(text).toContain('flåte.csv.2025-03-04T09-00-01.igjen.csv');
  });

  it('writes a summary whose counts add up', async () => {
    const input = reportInput(mixedRows(), { file: fileRecord({ error: null }) });
    const paths = await writeFileReports(input, dir);
    const summary = JSON.parse(await readFile(paths.summary, 'utf8'));
    expect(summary).toEqual({
      file: 'flåte.csv',
      startedAt: input.runStartedAt.toISOString(),
      finishedAt: input.runFinishedAt.toISOString(),
      rows: 8,
      ok: 2,
      stopped: 1,
      failed: 3,
      invalid: 1,
      skipped: 1,
      pending: 1,
      hidden: 0,
      superseded: 0,
      report: 'flåte.csv.2025-03-04T09-00-01.xlsx',
      retry: 'flåte.csv.2025-03-04T09-00-01.igjen.csv',
    });
    expect(summary.ok + summary.stopped + summary.failed + summary.invalid + summary.skipped).toBe(
      summary.rows,
    );
  });

  it('reports a file-level error with no rows', async () => {
    const input = reportInput([], {
      file: fileRecord({ error: 'Fant ingen kolonne for kjennemerke', owner: '910825526' }),
    });
    const paths = await writeFileReports(input, dir);
    const summary = JSON.parse(await readFile(paths.summary, 'utf8'));
    expect(summary).toMatchObject({
      rows: 0,
      error: 'Fant ingen kolonne for kjennemerke',
      owner: '910825526',
    });
    expect(paths.retry).toBeNull();
    const ws = sheet(await readWorkbook(paths.xlsx), 'Oppsummering');
    expect(allText(ws)).toContain('Fant ingen kolonne for kjennemerke');
  });

  it('refuses counts that do not add up, and writes nothing', async () => {
    const input = reportInput([ledgerRow(2, 'ok')]);
    await expect(writeFileReports({ ...input, counts: { ...input.counts, rows: 5 } }, dir)).rejects.toThrow(
      /summerer/,
    );
    await expect(writeFileReports({ ...input, pending: 1 }, dir)).rejects.toThrow(/ikke sendt/);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['csv', 'xlsx'] as const)(
    'leaves nothing behind when the ledger fails half-way (%s input)',
    async (format) => {
      const rows = Array.from({ length: 1200 }, (_, i) => ledgerRow(i + 2, i % 2 ? 'failed' : 'ok'));
      const input = reportInput(rows, { file: fileRecord({ name: `flåte.${format}`, format }) });
      let calls = 0;
      const broken = {
        ...input,
        *rowsWithStatus(statuses: Parameters<typeof input.rowsWithStatus>[0]) {
          calls++;
          let n = 0;
          for (const row of input.rowsWithStatus(statuses)) {
            // The retry file gets through; the workbook's Feilet sheet breaks after a few batches.
            if (calls > 1 && statuses.includes('failed') && ++n > 550) throw new Error('database is locked');
            yield row;
          }
        },
      };
      await expect(writeFileReports(broken, dir)).rejects.toThrow('database is locked');
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('creates files 0600 and a missing reports folder 0700', async () => {
    const reports = join(dir, 'nested', 'reports');
    const paths = await writeFileReports(reportInput(mixedRows()), reports);
    for (const path of [paths.xlsx, paths.summary, paths.retry ?? '']) {
      expect((await stat(path)).mode & 0o777, path).toBe(0o600);
    }
    expect((await stat(reports)).mode & 0o777).toBe(0o700);
  });

  it('writes no retry file when nothing was stopped or failed', async () => {
    const rows = [ledgerRow(2, 'ok'), ledgerRow(3, 'invalid'), ledgerRow(4, 'skipped')];
    const paths = await writeFileReports(reportInput(rows), dir);
    expect(paths.retry).toBeNull();
    expect((await readdir(dir)).some((name) => name.includes('igjen'))).toBe(false);
    expect(JSON.parse(await readFile(paths.summary, 'utf8')).retry).toBeNull();
    expect(allText(sheet(await readWorkbook(paths.xlsx), 'Oppsummering'))).not.toContain('igjen');
  });

  it('gives two inputs with the same base name in one run reports you can tell apart', async () => {
    const csv = await writeFileReports(reportInput([ledgerRow(2, 'ok')]), dir);
    const xlsx = await writeFileReports(
      reportInput([ledgerRow(2, 'failed')], { file: fileRecord({ name: 'flåte.xlsx', format: 'xlsx' }) }),
      dir,
    );
    // The names say which is which: the input's extension is in them.
    expect(csv.xlsx).toBe(join(dir, 'flåte.csv.2025-03-04T09-00-01.xlsx'));
    expect(xlsx.xlsx).toBe(join(dir, 'flåte.xlsx.2025-03-04T09-00-01.xlsx'));
    expect(xlsx.retry).toBe(join(dir, 'flåte.xlsx.2025-03-04T09-00-01.igjen.xlsx'));
    // The very same name twice (two owners' folders never share a reports folder): the second gets -2.
    const again = await writeFileReports(reportInput([ledgerRow(2, 'ok')]), dir);
    expect(again.xlsx).toBe(join(dir, 'flåte.csv.2025-03-04T09-00-01-2.xlsx'));
  });

  it('streams a file bigger than its sample and batches', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) =>
      ledgerRow(i + 2, (['ok', 'stopped', 'failed', 'invalid', 'skipped'] as const)[i % 5] ?? 'ok'),
    );
    const paths = await writeFileReports(reportInput(rows), dir);
    const workbook = await readWorkbook(paths.xlsx);
    for (const name of SHEET_NAMES.slice(1)) expect(dataRows(sheet(workbook, name))).toHaveLength(500);
    const { records } = await readCsv(paths.retry ?? '');
    expect(records).toHaveLength(1 + 1000);
  });
});

describe('the retry file', () => {
  it('is a UTF-8 CSV with BOM, CRLF and the input delimiter, with formula-looking cells neutralised', async () => {
    const paths = await writeFileReports(reportInput(mixedRows()), dir);
    const { raw, records } = await readCsv(paths.retry ?? '');
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.toString('utf8')).toContain('\r\n');
    expect(raw.toString('utf8').replaceAll('\r\n', '')).not.toContain('\n');
    expect(records[0]).toEqual([
      'Kjennemerke',
      'Fødselsnummer',
      'Etternavn',
      'Handling',
      'Notat',
      'Organisasjonsnummer',
      'Årsak',
    ]);
    // stopped, failed, pending, sending, in row order.
    expect(records.slice(1).map((r) => r[0])).toEqual(['CU10004', 'CU10005', 'CU10006', 'CU10007']);
    const [stopped, failed, pending] = records.slice(1);
    expect(stopped?.[4]).toBe("'@SUM(A1)");
    expect(stopped?.[5]).toBe('');
    expect(stopped?.[6]).toBe('Eier kan ikke identifiseres (EIER_KAN_IKKE_IDENTIFISERES)');
    expect(failed?.[4]).toBe("'-2+3");
    expect(failed?.[6]).toMatch(/^Feilet: API-et svarte 503 .*\(HTTP 503\)/);
    expect(pending?.[6]).toBe('Ikke sendt ennå – prøves ved neste kjøring');
    expect(stopped?.[1]).toBe('63888700414');
  });

  it('uses the delimiter the input had', async () => {
    const paths = await writeFileReports(reportInput([ledgerRow(2, 'stopped')], { csvDelimiter: ',' }), dir);
    const { raw, records } = await readCsv(paths.retry ?? '', ',');
    expect(raw.toString('utf8')).toContain('Kjennemerke,Fødselsnummer');
    expect(records[1]?.[0]).toBe('CU10002');
  });

  it('replaces the Årsak of a retry file dropped back in, instead of adding another', async () => {
    const headers = ['Kjennemerke', 'Fødselsnummer', 'Årsak'];
    const row = ledgerRow(2, 'failed', { cells: ['CU10002', '63888700414', 'gammel årsak'] });
    const paths = await writeFileReports(reportInput([row], { file: fileRecord({ headers }) }), dir);
    const { records } = await readCsv(paths.retry ?? '');
    expect(records[0]).toEqual(headers);
    expect(records[1]?.[2]).toMatch(/^Feilet:/);
  });

  it('is an xlsx with text cells when the input was one', async () => {
    const leadingZero = syntheticFodselsnummer('018800');
    const rows = [
      ledgerRow(2, 'ok'),
      ledgerRow(3, 'stopped', { cells: ['CU10003', leadingZero, 'Ærøe', 'OPPRETTE', '=1+1'] }),
      ledgerRow(4, 'pending'),
    ];
    const file = fileRecord({ name: 'flåte.xlsx', format: 'xlsx' });
    const paths = await writeFileReports(reportInput(rows, { file }), dir);
    expect(paths.retry).toBe(join(dir, 'flåte.xlsx.2025-03-04T09-00-01.igjen.xlsx'));
    const workbook = await readWorkbook(paths.retry ?? '');
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['Rader']);
    const ws = sheet(workbook, 'Rader');
    expect(headerTexts(ws)).toEqual([
      'Kjennemerke',
      'Fødselsnummer',
      'Etternavn',
      'Handling',
      'Notat',
      'Organisasjonsnummer',
      'Årsak',
    ]);
    const [stopped, pending] = dataRows(ws);
    if (!stopped || !pending) throw new Error('rows missing');
    const fnr = cellUnder(ws, stopped, 'Fødselsnummer');
    expect(fnr.type).toBe(ExcelJS.ValueType.String);
    expect(fnr.value).toBe(leadingZero);
    // In an xlsx a string cell is never a formula: the text stays exactly as the user wrote it.
    const note = cellUnder(ws, stopped, 'Notat');
    expect(note.type).toBe(ExcelJS.ValueType.String);
    expect(note.value).toBe('=1+1');
    expect(cellUnder(ws, pending, 'Årsak').value).toBe('Ikke sendt ennå – prøves ved neste kjøring');
    expect((await stat(paths.retry ?? '')).mode & 0o777).toBe(0o600);
  });
});

describe('a retry file dropped back in', () => {
  const retryHeaders = [
    'Kjennemerke',
    'Fødselsnummer',
    'Etternavn',
    'Handling',
    'Organisasjonsnummer',
    'Årsak',
  ];
  const cells = (plate: string) => [plate, '63888700414', 'Østby', 'OPPRETTE', '', 'Fant ikke kjøretøy (X)'];
  const rows = () => [
    ledgerRow(2, 'ok', { cells: cells('CU10002') }),
    ledgerRow(3, 'stopped', { cells: cells('CU10003') }),
    ledgerRow(4, 'failed', { cells: cells('CU10004') }),
    ledgerRow(5, 'invalid', { cells: cells('CU10005') }),
    ledgerRow(6, 'skipped', { cells: cells('CU10006') }),
  ];

  it("leaves the job's old Årsak out of the report: the new report gives its own reasons", async () => {
    const file = fileRecord({ name: 'flåte.csv.2025-03-01T08-00-00.igjen.csv', headers: retryHeaders });
    const { xlsx } = await writeFileReports(reportInput(rows(), { file }), dir);
    const workbook = await readWorkbook(xlsx);
    for (const name of SHEET_NAMES.slice(1)) {
      const headers = headerTexts(sheet(workbook, name));
      // The sheet's own Årsak (this run's reasons: Ugyldig's problems, Hoppet over's why) is the only one.
      expect(
        headers.filter((h) => h === 'Årsak'),
        name,
      ).toHaveLength(name === 'Ugyldig' || name === 'Hoppet over' ? 1 : 0);
      expect(allText(sheet(workbook, name)), name).not.toContain('Fant ikke kjøretøy (X)');
      expect(headers, name).toContain('Organisasjonsnummer');
    }
  });

  it('writes the next retry file with the same columns, nothing added twice', async () => {
    const file = fileRecord({ name: 'flåte.csv.2025-03-01T08-00-00.igjen.csv', headers: retryHeaders });
    const paths = await writeFileReports(reportInput(rows(), { file }), dir);
    expect(paths.retry).toBe(join(dir, 'flåte.csv.2025-03-04T09-00-01.igjen.csv'));
    const { records } = await readCsv(paths.retry ?? '');
    expect(records[0]).toEqual(retryHeaders);
    expect(records.slice(1).map((r) => r[5])).toEqual([
      'Eier kan ikke identifiseres (EIER_KAN_IKKE_IDENTIFISERES)',
      expect.stringMatching(/^Feilet:/),
    ]);
  });
});

describe('room in the retry file for what a fix needs', () => {
  async function retryHeadersFor(headers: string[]): Promise<string[] | undefined> {
    const row = ledgerRow(2, 'stopped', { cells: headers.map(() => 'x') });
    const paths = await writeFileReports(reportInput([row], { file: fileRecord({ headers }) }), dir);
    return (await readCsv(paths.retry ?? '')).records[0];
  }

  it.each([
    [['Kjennemerke', 'Handling', 'Fnr', 'Etternavn'], ['Organisasjonsnummer']],
    [
      ['Regnr', 'Handling', 'Orgnr'],
      ['Fødselsnummer', 'Etternavn'],
    ],
    [['Regnr', 'Handling', 'Orgnr', 'Navn'], ['Fødselsnummer']],
    // Both kinds have a place already.
    [['Regnr', 'Handling', 'Fnr', 'Orgnr', 'Etternavn'], []],
    [['Kjennemerke', 'Handling', 'Leasingtaker', 'Etternavn'], []],
  ])('%j gets %j before Årsak', async (headers, added) => {
    expect(await retryHeadersFor(headers)).toEqual([...headers, ...added, 'Årsak']);
  });
});

describe("the clerk's own columns beside the report's", () => {
  it("marks a Merknad of the file's as the file's, beside the API's Merknad", async () => {
    const headers = ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', 'merknad '];
    const row = ledgerRow(2, 'stopped', {
      cells: ['CU10002', 'OPPRETTE', '63888700414', 'Østby', 'ring Kari først'],
    });
    const { xlsx } = await writeFileReports(reportInput([row], { file: fileRecord({ headers }) }), dir);
    const ws = sheet(await readWorkbook(xlsx), 'Stoppet');
    const [stopped] = dataRows(ws);
    if (!stopped) throw new Error('row missing');
    expect(headerTexts(ws).filter((h) => /merknad/i.test(h))).toEqual([
      'Merknadskode',
      'Merknad',
      'merknad (fra fila)',
    ]);
    expect(cellUnder(ws, stopped, 'Merknad').value).toBe('Eier kan ikke identifiseres');
    expect(cellUnder(ws, stopped, 'merknad (fra fila)').value).toBe('ring Kari først');
  });
});
