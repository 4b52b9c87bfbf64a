// The retry loop as a clerk goes round it: a file with four stopped rows, its retry file corrected and re-saved
// by the real LibreOffice, dropped back, and again. Each round's report must be as clean as the first's.

import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/commands/validate.ts';
import { type Harness, useHarness } from '../support/harness.ts';
import { resaveWithLibreOffice, SOFFICE } from '../support/libreoffice.ts';
import { headerTexts, readWorkbook, sheet } from '../support/report-read-back.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON_A = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const PERSON_B = fnr({ day: 5, month: 2, year: 1990, individ: 123 });
/** The organisation every LT plate of the simulator is leased to until it is ended. */
const OLD_LESSEE = '311234560';
const STAMP = String.raw`\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)?`;

function files(harness: Harness): string[] {
  return readdirSync(harness.reports).sort();
}

/** A report path the run returned, or a failure naming what is there instead. */
function written(harness: Harness, path: string | null | undefined): string {
  if (!path) throw new Error(`not written; reports: ${files(harness).join(', ')}`);
  return path;
}

function csvRecords(path: string): string[][] {
  return parse(readFileSync(path), { bom: true, delimiter: ';' }) as string[][];
}

describe.skipIf(!SOFFICE && !process.env.CI)('the retry loop, with files re-saved by LibreOffice', () => {
  const harness = useHarness();

  it('stays as clean and as short-named round after round', async () => {
    writeFileSync(
      join(harness.inbox, 't14.csv'),
      [
        'Kjennemerke;Handling;Fødselsnummer;Etternavn;Avdeling',
        `CU10001;OPPRETTE;${PERSON_A};Firkant;Oslo`,
        `XX10001;OPPRETTE;${PERSON_A};Firkant;Oslo`,
        `LT10001;OPPRETTE;${PERSON_B};Østby;Bergen`,
        `EI10001;OPPRETTE;${PERSON_A};Firkant;Oslo`,
        `EU10001;OPPRETTE;${PERSON_B};Østby;Bergen`,
        '',
      ].join('\r\n'),
    );
    const first = await harness.run();
    expect(first.files[0]?.counts).toMatchObject({ ok: 1, stopped: 4 });
    const retry1 = written(harness, first.files[0]?.reports.retry);
    // The report names say which input they are about, extension included.
    expect(retry1).toMatch(new RegExp(`/t14\\.csv\\.${STAMP}\\.igjen\\.csv$`));

    // The retry file has a place for an organisation as lessee, and one reason column.
    const [header1, ...rows1] = csvRecords(retry1);
    expect(header1).toEqual([
      'Kjennemerke',
      'Handling',
      'Fødselsnummer',
      'Etternavn',
      'Avdeling',
      'Organisasjonsnummer',
      'Årsak',
    ]);
    expect(rows1.map((row) => row[0])).toEqual(['XX10001', 'LT10001', 'EI10001', 'EU10001']);

    // The clerk's first try: the old lessee's organisasjonsnummer in the Fødselsnummer column.
    const attempt = join(harness.dir, 'forsøk.csv');
    writeFileSync(
      attempt,
      [
        'Kjennemerke;Handling;Fødselsnummer;Etternavn;Avdeling;Organisasjonsnummer;Årsak',
        `LT10001;AVSLUTTE;${OLD_LESSEE};;Bergen;;`,
      ].join('\r\n'),
    );
    const verdict = await validateFile(attempt);
    expect(verdict.problems).toEqual([
      {
        row: 2,
        column: 'Fødselsnummer',
        reason: expect.stringMatching(/organisasjonsnummer.*kolonnen «Organisasjonsnummer»/i),
      },
    ]);

    // Fixed as the merknader say: the right plate, and the old lessee ended first (a row above).
    const edited = rows1.flatMap((row) => {
      if (row[0] === 'XX10001') return [['CU10002', ...row.slice(1)]];
      if (row[0] === 'LT10001') return [['LT10001', 'AVSLUTTE', '', '', 'Bergen', OLD_LESSEE, ''], row];
      return [row];
    });
    const draft = join(harness.dir, 'utkast', 'retry.csv');
    mkdirSync(join(harness.dir, 'utkast'));
    writeFileSync(draft, [header1 ?? [], ...edited].map((row) => row.join(';')).join('\r\n'));
    const saved = resaveWithLibreOffice(draft, 'csv', join(harness.dir, 'lagret'));
    // What LibreOffice wrote: no BOM, text in quotes.
    expect(readFileSync(saved, 'utf8')).toMatch(/^"Kjennemerke";"Handling"/);
    const name1 = retry1.slice(harness.reports.length + 1);
    copyFileSync(saved, join(harness.inbox, name1));

    const second = await harness.run();
    expect(second.files[0]?.counts).toMatchObject({ ok: 3, stopped: 2, invalid: 0 });
    const report2 = written(harness, second.files[0]?.reports.xlsx);
    // As short as the first round's: no `.igjen.<time>` nested in the name.
    expect(report2).toMatch(new RegExp(`/t14\\.csv\\.${STAMP}\\.xlsx$`));
    const workbook = await readWorkbook(report2);
    for (const name of ['Vellykket', 'Stoppet']) {
      const headers = headerTexts(sheet(workbook, name));
      // The old reason is the job's own column: the new report gives its own.
      expect(headers, name).not.toContain('Årsak');
      expect(headers, name).toContain('Organisasjonsnummer');
    }

    const retry2 = written(harness, second.files[0]?.reports.retry);
    expect(retry2).toMatch(new RegExp(`/t14\\.csv\\.${STAMP}\\.igjen\\.csv$`));
    const [header2, ...rows2] = csvRecords(retry2);
    expect(header2).toEqual(header1);
    expect(rows2.map((row) => row[0])).toEqual(['EI10001', 'EU10001']);

    // Round three: saved as an xlsx this time; still one reason column, and names as short.
    const asXlsx = resaveWithLibreOffice(retry2, 'xlsx', join(harness.dir, 'lagret3'));
    const name2 = retry2.slice(harness.reports.length + 1).replace(/\.csv$/, '.xlsx');
    copyFileSync(asXlsx, join(harness.inbox, name2));
    const third = await harness.run();
    expect(third.files[0]?.counts).toMatchObject({ stopped: 2, invalid: 0 });
    const retry3 = written(harness, third.files[0]?.reports.retry);
    expect(retry3).toMatch(new RegExp(`/t14\\.csv\\.${STAMP}\\.igjen\\.xlsx$`));
    expect(headerTexts(sheet(await readWorkbook(retry3), 'Rader'))).toEqual(header1);
    for (const name of files(harness)) expect(name).toMatch(new RegExp(`^t14\\.csv\\.${STAMP}\\.`));
  }, 60_000);
});

describe.skipIf(!SOFFICE && !process.env.CI)('two inputs that share a base name, made by LibreOffice', () => {
  const harness = useHarness();

  it('give reports whose names say which is which', async () => {
    const draft = join(harness.dir, 'utkast', 't09.csv');
    mkdirSync(join(harness.dir, 'utkast'));
    writeFileSync(
      draft,
      `Kjennemerke;Handling;Fødselsnummer;Etternavn\r\nCU10009;OPPRETTE;${PERSON_A};Firkant\r\n`,
    );
    const made = join(harness.dir, 'laget');
    copyFileSync(resaveWithLibreOffice(draft, 'xlsx', made), join(harness.inbox, 't09.xlsx'));
    // LibreOffice's own format, which the job refuses with advice.
    copyFileSync(resaveWithLibreOffice(draft, 'ods', made), join(harness.inbox, 't09.ods'));

    const result = await harness.run();
    const byName = new Map(result.files.map((file) => [file.name, file]));
    expect(byName.get('t09.ods')?.status).toBe('unreadable');
    expect(byName.get('t09.xlsx')?.counts.ok).toBe(1);
    expect(byName.get('t09.ods')?.reports.xlsx).toMatch(new RegExp(`/t09\\.ods\\.${STAMP}\\.xlsx$`));
    expect(byName.get('t09.xlsx')?.reports.xlsx).toMatch(new RegExp(`/t09\\.xlsx\\.${STAMP}\\.xlsx$`));
    // Not one of them a -2 you would have to open to tell apart.
    for (const name of files(harness)) expect(name).not.toMatch(/-2\./);
  }, 60_000);
});

describe('a retry file a later run has replaced', () => {
  const harness = useHarness();

  it('is marked erstattet once the interrupted run is finished, and only the current one looks current', async () => {
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn'];
    for (let i = 0; i < 8; i++) lines.push(`CU${20000 + i};OPPRETTE;${PERSON_A};Firkant`);
    lines.push(`XX20001;OPPRETTE;${PERSON_A};Firkant`, `XX20002;OPPRETTE;${PERSON_B};Østby`);
    writeFileSync(join(harness.inbox, 'avbrutt.csv'), `${lines.join('\r\n')}\r\n`);

    harness.local.sim.faults.down = true;
    const env = { LEASINGTAKER_BREAKER_THRESHOLD: '3', LEASINGTAKER_MAX_ATTEMPTS: '1' };
    const first = await harness.run(env);
    expect(first.exitCode).toBe(1);
    const old = written(harness, first.files[0]?.reports.retry);
    expect(readFileSync(old, 'utf8')).toContain('Ikke sendt ennå');

    harness.local.sim.faults.down = false;
    const second = await harness.run(env);
    expect(second.files[0]?.counts).toMatchObject({ ok: 8, stopped: 2, failed: 0 });
    const current = written(harness, second.files[0]?.reports.retry);

    const retryFiles = files(harness).filter((name) => name.includes('.igjen.'));
    const name = (path: string) => path.slice(harness.reports.length + 1);
    expect(retryFiles.sort()).toEqual(
      [name(current), name(old).replace(/\.igjen\.csv$/, '.igjen.erstattet.csv')].sort(),
    );
    // Its corrections, if any were typed in, are still there: renamed, not deleted.
    expect(
      readFileSync(join(harness.reports, name(old).replace('.igjen.', '.igjen.erstattet.')), 'utf8'),
    ).toContain('Ikke sendt ennå');
    expect(readFileSync(current, 'utf8')).not.toContain('Ikke sendt ennå');
  });

  it('is marked when the next run finishes every row and writes no retry file at all', async () => {
    writeFileSync(
      join(harness.inbox, 'alle.csv'),
      [
        'Kjennemerke;Handling;Fødselsnummer;Etternavn',
        ...[1, 2, 3, 4].map((i) => `CU2100${i};OPPRETTE;${PERSON_A};Firkant`),
        '',
      ].join('\r\n'),
    );
    harness.local.sim.faults.down = true;
    const env = { LEASINGTAKER_BREAKER_THRESHOLD: '2', LEASINGTAKER_MAX_ATTEMPTS: '1' };
    const first = await harness.run(env);
    const old = written(harness, first.files[0]?.reports.retry);
    harness.local.sim.faults.down = false;
    const second = await harness.run(env);
    expect(second.files[0]?.counts).toMatchObject({ ok: 4 });
    expect(second.files[0]?.reports.retry).toBeNull();
    expect(files(harness).filter((n) => n.includes('.igjen.'))).toEqual([
      old.slice(harness.reports.length + 1).replace('.igjen.', '.igjen.erstattet.'),
    ]);
  });
});
