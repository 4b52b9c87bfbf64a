import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  archivedInputs,
  createInstallation,
  dropFleet,
  type Installation,
  latestSummary,
  planFleet,
  syntheticPersons,
} from '../support/installation.ts';
import { handOver, IS_ROOT, RUN_AS } from '../support/places.ts';
import { readWorkbook, sheet } from '../support/report-read-back.ts';
import { type CliResult, startCli } from '../support/spawn-cli.ts';

/** A run that ended as a run should: its "Run finished" line, and no stack trace anywhere. */
function expectOrderlyEnd(result: CliResult): void {
  expect(result.signal).toBeNull();
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at |Error: |"stack"/);
  expect(result.stdout).toContain('Run finished');
}

function logLines(result: CliResult): { msg: string; level: number }[] {
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; level: number });
}

describe('one bad file or folder stops nothing else', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  it('leaves a file it may not read in the inbox, says so, goes on with the others, and takes it once readable', async () => {
    const good = planFleet(20, 41_000);
    const closed = planFleet(20, 42_000);
    dropFleet(install.inbox, 'god.csv', good);
    dropFleet(install.inbox, 'lukket.csv', closed);
    handOver(install.dir);
    chmodSync(join(install.inbox, 'lukket.csv'), 0o000);

    for (const attempt of [1, 2]) {
      const result = await install.run({}, RUN_AS);
      expectOrderlyEnd(result);
      expect(result.code, `run ${attempt}`).toBe(1);
      expect(logLines(result).some((line) => /lukket\.csv.*cannot be read/.test(line.msg))).toBe(true);
      expect(readdirSync(install.inbox)).toEqual(['lukket.csv']);
    }
    expect(latestSummary(install.reports, 'god.csv')).toMatchObject({ rows: 20, failed: 0 });

    chmodSync(join(install.inbox, 'lukket.csv'), 0o600);
    const fixed = await install.run({}, RUN_AS);
    expectOrderlyEnd(fixed);
    expect(fixed.code).toBe(0);
    expect(latestSummary(install.reports, 'lukket.csv')).toMatchObject({ rows: 20, failed: 0 });
  }, 60_000);

  it("lists the other owners' folders when one may not be listed", async () => {
    dropFleet(install.inbox, 'egen.csv', planFleet(20, 43_000));
    const owner = join(install.inbox, '310555568');
    mkdirSync(owner);
    const [person] = syntheticPersons(1, 500);
    writeFileSync(
      join(owner, 'eier.csv'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nDG10001;OPPRETTE;${person};Firkant\r\n`,
    );
    const locked = join(install.inbox, '987654325');
    mkdirSync(locked);
    dropFleet(locked, 'låst.csv', planFleet(5, 44_000));
    handOver(install.dir);
    chmodSync(locked, 0o000);

    const result = await install.run({}, RUN_AS);
    expectOrderlyEnd(result);
    expect(result.code).toBe(1);
    expect(logLines(result).some((line) => /987654325.*cannot be listed/.test(line.msg))).toBe(true);
    expect(latestSummary(install.reports, 'egen.csv')).toMatchObject({ rows: 20, failed: 0 });
    expect(latestSummary(join(install.reports, '310555568'), 'eier.csv')).toMatchObject({ rows: 1, ok: 1 });
    chmodSync(locked, 0o700);
    expect(readdirSync(locked)).toEqual(['låst.csv']);
  }, 60_000);

  it('writes the report of a workbook as wide as Excel allows, and says which columns it left out', async () => {
    // 16,384 columns: the required four, then filler. The sheets add Rad, Kjennemerke and their own columns,
    // which would pass Excel's last column (XFD); the retry file adds Årsak.
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Flåte');
    const extra = Array.from({ length: 16_384 - 4 }, (_, i) => `Kol${i + 5}`);
    ws.addRow(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', ...extra]);
    const persons = syntheticPersons(3, 600);
    ws.addRow(['CU45001', 'OPPRETTE', persons[0], 'Nilsen', ...extra.map(() => 'x')]);
    ws.addRow(['XX45002', 'OPPRETTE', persons[1], 'Bråten', ...extra.map(() => 'y')]);
    ws.addRow(['CU45003', 'OPPRETTE', persons[2], 'Østby', ...extra.map(() => 'z')]);
    await workbook.xlsx.writeFile(join(install.inbox, 'bred.xlsx'));

    const result = await install.run();
    expectOrderlyEnd(result);
    expect(result.code).toBe(0);
    const summary = latestSummary(install.reports, 'bred.xlsx');
    expect(summary).toMatchObject({ rows: 3, ok: 2, stopped: 1 });
    expect(apiCalls(install.local.sim.calls)).toHaveLength(3);

    const report = await readWorkbook(join(install.reports, summary?.report ?? ''));
    const overview = sheet(report, 'Oppsummering');
    const said = overview.getSheetValues().flat().join(' ');
    expect(said).toMatch(/16[\s.]?384 kolonner/);
    const stoppet = sheet(report, 'Stoppet');
    expect(stoppet.actualColumnCount).toBeLessThanOrEqual(16_384);
    expect(stoppet.getRow(2).getCell(2).value).toBe('XX45002');

    // The retry file keeps every input column, so it can be dropped again as it is.
    const retry = await readWorkbook(join(install.reports, summary?.retry ?? ''));
    const rader = retry.worksheets[0] as ExcelJS.Worksheet;
    expect(rader.getRow(1).getCell(16_384).value).toBe('Kol16384');
    expect(rader.getRow(2).getCell(1).value).toBe('XX45002');

    // The file is done: the next run has nothing to do.
    const next = await install.run();
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('nothing to do');
  }, 120_000);
});

describe('retention and the folders the job makes', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  it('passes over a folder retention may not read, says so, and runs the files', async () => {
    dropFleet(install.inbox, 'god.csv', planFleet(20, 49_000));
    const closed = join(install.reports, '987654325');
    mkdirSync(closed, { recursive: true });
    handOver(install.dir);
    if (IS_ROOT) chownSync(closed, 0, 0);
    chmodSync(closed, 0o700);
    if (!IS_ROOT) chmodSync(closed, 0o000);

    const result = await install.run({ LEASINGTAKER_RETENTION_DAYS: '30' }, RUN_AS);
    expectOrderlyEnd(result);
    expect(result.code, result.stdout).toBe(0);
    expect(logLines(result).some((line) => /Retention could not look into .*987654325/.test(line.msg))).toBe(
      true,
    );
    expect(latestSummary(install.reports, 'god.csv')).toMatchObject({ rows: 20, failed: 0 });
    if (!IS_ROOT) chmodSync(closed, 0o700);
  }, 60_000);

  it('makes every folder it creates for personal data the owner’s alone (0700)', async () => {
    dropFleet(install.inbox, 'egen.csv', planFleet(5, 49_500));
    const owner = join(install.inbox, '310555568');
    mkdirSync(owner);
    const [person] = syntheticPersons(1, 900);
    writeFileSync(
      join(owner, 'eier.csv'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nDG10002;OPPRETTE;${person};Firkant\r\n`,
    );
    const result = await install.run({ LEASINGTAKER_REPORTS: join(install.dir, 'data', 'reports') });
    expect(result.code, result.stdout).toBe(0);
    const reports = join(install.dir, 'data', 'reports');
    const day = readdirSync(install.archive).find((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)) ?? '';
    for (const folder of [
      join(install.dir, 'data'),
      reports,
      join(reports, '310555568'),
      install.archive,
      join(install.archive, day),
      join(install.archive, '310555568'),
      join(install.archive, '310555568', day),
      install.state,
    ]) {
      expect((statSync(folder).mode & 0o777).toString(8), folder).toBe('700');
    }
  }, 60_000);
});

describe('validate', () => {
  it('never opens a FIFO (it would wait for a writer for ever), and says what it is', async () => {
    const install = await createInstallation();
    try {
      const fifo = join(install.dir, 'rør.csv');
      execFileSync('mkfifo', [fifo]);
      const child = startCli(['validate', fifo], {}, { cwd: install.dir });
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 15_000);
      const result = await child.result;
      clearTimeout(timer);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('ikke en vanlig fil');
    } finally {
      await install.close();
    }
  }, 30_000);
});

describe('what is not a file is left alone, and said so', () => {
  let install: Installation;
  let server: Server | undefined;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await install.close();
  });

  it('never opens a FIFO, a socket or a symbolic link in the inbox, and logs each', async () => {
    dropFleet(install.inbox, 'god.csv', planFleet(20, 46_000));
    // A fleet file elsewhere, linked into the inbox: following the link would take a file that is not ours.
    const elsewhere = join(install.dir, 'elsewhere');
    mkdirSync(elsewhere);
    dropFleet(elsewhere, 'lenket.csv', planFleet(5, 47_000));
    symlinkSync(join(elsewhere, 'lenket.csv'), join(install.inbox, 'lenke.csv'));
    symlinkSync(elsewhere, join(install.inbox, '310555568'));
    // Opening a FIFO for reading blocks until a writer comes: the run would hang for good.
    execFileSync('mkfifo', [join(install.inbox, 'rør.csv')]);
    server = createServer();
    const socket = join(install.inbox, 'sokkel.csv');
    await new Promise<void>((resolve) => server?.listen(socket, resolve));

    const result = await install.run();
    expectOrderlyEnd(result);
    expect(result.code).toBe(0);
    const said = logLines(result).map((line) => line.msg);
    for (const [name, kind] of [
      ['lenke.csv', 'symbolic link'],
      ['310555568', 'symbolic link'],
      ['rør.csv', 'FIFO'],
      ['sokkel.csv', 'socket'],
    ] as const) {
      expect(
        said.some((msg) => msg.includes(kind)) &&
          logLines(result).some((line) => JSON.stringify(line).includes(name)),
        name,
      ).toBe(true);
    }
    expect(latestSummary(install.reports, 'god.csv')).toMatchObject({ rows: 20 });
    expect(latestSummary(install.reports, 'lenke.csv')).toBeUndefined();
    expect(existsSync(join(elsewhere, 'lenket.csv'))).toBe(true);
    expect(readdirSync(install.inbox).sort()).toEqual(['310555568', 'lenke.csv', 'rør.csv', 'sokkel.csv']);
    expect(archivedInputs(install.archive)).toHaveLength(1);
  }, 60_000);
});
