// Issue 14, items 1, 2, 3 and 7, end to end: fleet files as staff make them go through `run` against the
// simulator and through `validate`, and the report says what was read, from where, and what was not sent.

import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toEntry } from '../../src/commands/history.ts';
import { validateFile } from '../../src/commands/validate.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { type Harness, useHarness } from '../support/harness.ts';
import { c, officeXlsx, row, STYLE } from '../support/office-package.ts';
import { readSheets } from '../support/report-read-back.ts';
import { fnr } from '../support/synthetic.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const A = fnr({ day: 1, month: 1, year: 1970, individ: 200 });
const B = fnr({ day: 17, month: 5, year: 1985 });
const C = fnr({ day: 29, month: 2, year: 1996 });
const D = fnr({ day: 3, month: 11, year: 1961 });

function reports(harness: Harness): { xlsx: string; summary: Record<string, unknown> } {
  const names = readdirSync(harness.reports);
  const xlsx = names.find((name) => name.endsWith('.xlsx') && !name.includes('.igjen.'));
  const summary = names.find((name) => name.endsWith('.summary.json'));
  if (!xlsx || !summary) throw new Error(`no report in ${names.join(', ')}`);
  return {
    xlsx: join(harness.reports, xlsx),
    summary: JSON.parse(readFileSync(join(harness.reports, summary), 'utf8')),
  };
}

const column = (rows: unknown[][] | undefined, header: string) => {
  const index = (rows?.[0] ?? []).indexOf(header);
  return (rows ?? []).slice(1).map((r) => r[index]);
};
const text = (rows: unknown[][] | undefined) => JSON.stringify(rows ?? []);
const apiPlates = (harness: Harness) =>
  harness.local.sim.calls.filter((call) => call.endpoint === 'api').map((call) => call.kjennemerke);

/** Excel's serial for a date: days since 1899-12-30, or since 1904-01-01 in the 1904 date system. */
const serial = (iso: string, date1904 = false) =>
  (Date.parse(`${iso}T00:00:00Z`) - Date.parse(date1904 ? '1904-01-01T00:00:00Z' : '1899-12-30T00:00:00Z')) /
  86_400_000;

describe('fleet files as staff make them, through run and validate', () => {
  const harness = useHarness();

  it('reads a CSV below its title rows, with Excel row numbers, and names the title in Oppsummering (14.1)', async () => {
    const lines = [
      'Flåteliste mars 2026;;;',
      ';;;',
      'Kjennemerke;Handling;Fødselsnummer;Etternavn',
      `CU20001;OPPRETTE;${A};Hansen`,
      `CU20002;OPPRETTE;${B};Berg`,
    ];
    writeFileSync(join(harness.inbox, 't14.csv'), `${lines.join('\r\n')}\r\n`);
    expect(await validateFile(join(harness.inbox, 't14.csv'))).toMatchObject({
      rows: 2,
      valid: 2,
      invalid: 0,
    });

    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    const { xlsx, summary } = reports(harness);
    expect(summary).toMatchObject({ rows: 2, ok: 2, skipped: 0, hidden: 0 });
    const sheets = await readSheets(xlsx);
    expect(column(sheets.get('Vellykket'), 'Rad')).toEqual([4, 5]);
    const overview = text(sheets.get('Oppsummering'));
    expect(overview).toContain(
      '"Overskriftsrad","rad 3","Over den, ikke lest: rad 1 («Flåteliste mars 2026») og tomme rader."',
    );
    expect(apiPlates(harness)).toEqual(['CU20001', 'CU20002']);
  });

  it('reads the fleet from the sheet after a cover sheet, and sends no row hidden in Excel (14.2, 14.3)', async () => {
    const head = ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', 'Avdeling'];
    const people: [string, string, string, boolean][] = [
      ['CU20011', A, 'Hansen', false],
      ['CU20012', B, 'Berg', true],
      ['CU20013', C, 'Dahl', true],
      ['CU20014', D, 'Lie', false],
    ];
    const workbook = officeXlsx({
      sharedStrings: ['Slik fyller du ut flåtelista', 'OPPRETTE', 'Salg'],
      sheets: [
        {
          name: 'Forside',
          rows: [row(1, [c.shared('A1', 0, STYLE.bold)]), row(3, [c.inline('A3', 'Én rad per bil.')])],
        },
        {
          name: 'Biler',
          frozenRows: 1,
          // The fødselsnummer column hidden for privacy: read as usual.
          hiddenColumns: [3],
          autoFilter: 'A1:E5',
          rows: [
            row(
              1,
              head.map((h, i) => c.inline(`${'ABCDE'[i]}1`, h)),
            ),
            ...people.map(([plate, person, name, hidden], i) =>
              row(
                i + 2,
                [
                  c.inline(`A${i + 2}`, plate),
                  c.shared(`B${i + 2}`, 1),
                  c.inline(`C${i + 2}`, person),
                  c.inline(`D${i + 2}`, name),
                  c.shared(`E${i + 2}`, 2),
                ],
                { hidden },
              ),
            ),
          ],
        },
      ],
    });
    writeFileSync(join(harness.inbox, 'filter.xlsx'), workbook);

    const verdict = await validateFile(join(harness.inbox, 'filter.xlsx'));
    expect(verdict).toMatchObject({ rows: 4, valid: 2, invalid: 0, hiddenRows: [3, 4] });

    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    expect(apiPlates(harness)).toEqual(['CU20011', 'CU20014']);
    const { xlsx, summary } = reports(harness);
    expect(summary).toMatchObject({ rows: 4, ok: 2, skipped: 2, hidden: 2 });
    const sheets = await readSheets(xlsx);
    expect(column(sheets.get('Vellykket'), 'Rad')).toEqual([2, 5]);
    expect(column(sheets.get('Vellykket'), 'Fødselsnummer')).toEqual([A, D]);
    const skipped = sheets.get('Hoppet over');
    expect(column(skipped, 'Rad')).toEqual([3, 4]);
    expect(column(skipped, 'Kjennemerke')).toEqual(['CU20012', 'CU20013']);
    expect(column(skipped, 'Årsak')).toEqual([
      'Skjult rad i Excel – ikke sendt',
      'Skjult rad i Excel – ikke sendt',
    ]);
    const overview = text(sheets.get('Oppsummering'));
    expect(overview).toContain(
      '"Ark","Biler","Arket «Forside» foran har ingen overskriftsrad med kolonnene, og ble ikke lest."',
    );
    expect(overview).toContain('"herav skjult i Excel",2');
    expect(overview).toContain('Hoppet over: 2 rad(er) er skjult i Excel og ble ikke sendt');
    expect(overview).not.toContain('Ingenting – alle radene er ferdige.');
  });

  it('reads a workbook with the parts Excel writes, in the 1904 date system, with the right values (14.7)', async () => {
    const strings = [
      'Kjennemerke',
      'Handling',
      'Fnr',
      'Etternavn',
      'Startdato',
      'Status',
      'OPPRETTE',
      // Rich text: "Ø" bold, "stby" plain, as Excel writes a cell formatted part by part.
      '<r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="Calibri"/><family val="2"/><scheme val="minor"/></rPr><t>Ø</t></r><r><rPr><sz val="11"/><color theme="1"/><rFont val="Calibri"/><family val="2"/><scheme val="minor"/></rPr><t xml:space="preserve">stby</t></r>',
      'Flåteliste april',
    ];
    const date1904 = serial('2026-04-01', true);
    const workbook = officeXlsx({
      date1904: true,
      sharedStrings: strings,
      sheets: [
        {
          name: 'Flåte april',
          frozenRows: 2,
          printArea: '$A$1:$F$6',
          merged: ['A1:F1'],
          table: { ref: 'A2:F6', columns: strings.slice(0, 6), filterColumn: 1 },
          rows: [
            row(1, [c.shared('A1', 8, STYLE.bold)]),
            row(
              2,
              [0, 1, 2, 3, 4, 5].map((i) => c.shared(`${'ABCDEF'[i]}2`, i)),
            ),
            row(3, [
              c.formulaText('A3', 'UPPER("cu20021")', 'CU20021'),
              c.shared('B3', 6),
              c.number('C3', Number(A), STYLE.fnr),
              c.shared('D3', 7),
              c.number('E3', date1904, STYLE.date),
              c.formulaError('F3', 'VLOOKUP(A3,Koder!A:B,2,FALSE)', '#N/A'),
            ]),
            row(4, [
              c.formulaText('A4', 'UPPER("cu20022")', 'CU20022'),
              c.formulaText('B4', 'Koder!B1', 'OPPRETTE'),
              c.inline('C4', B),
              c.inline('D4', 'Berg'),
              c.formulaNumber('E4', 'E3+1', date1904 + 1, STYLE.date),
              c.sharedFormulaText('F4', 'aktiv'),
            ]),
            // A row hidden by the table's filter on Handling.
            row(
              5,
              [
                c.inline('A5', 'CU20023'),
                c.inline('B5', 'AVSLUTTE'),
                c.inline('C5', C),
                c.inline('D5', 'Dahl'),
              ],
              {
                hidden: true,
              },
            ),
            row(6, [
              c.inline('A6', 'CU20024'),
              c.shared('B6', 6),
              c.inline('C6', D),
              c.inline('D6', 'Lie'),
              c.number('E6', date1904 + 30, STYLE.date),
            ]),
          ],
        },
        {
          name: 'Koder',
          state: 'hidden',
          rows: [row(1, [c.inline('A1', 'OPPRETTE'), c.inline('B1', 'OPPRETTE')])],
        },
      ],
    });
    writeFileSync(join(harness.inbox, 'excel.xlsx'), workbook);
    expect(await validateFile(join(harness.inbox, 'excel.xlsx'))).toMatchObject({
      rows: 4,
      valid: 3,
      invalid: 0,
      hiddenRows: [5],
    });

    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    expect(apiPlates(harness)).toEqual(['CU20021', 'CU20022', 'CU20024']);
    const sheets = await readSheets(reports(harness).xlsx);
    const ok = sheets.get('Vellykket');
    expect(column(ok, 'Rad')).toEqual([3, 4, 6]);
    expect(column(ok, 'Fnr')).toEqual([A, B, D]);
    expect(column(ok, 'Etternavn')).toEqual(['Østby', 'Berg', 'Lie']);
    expect(column(ok, 'Startdato')).toEqual(['01.04.2026', '02.04.2026', '01.05.2026']);
    expect(column(ok, 'Status')).toEqual(['#N/A', 'aktiv', undefined]);
    expect(column(sheets.get('Hoppet over'), 'Rad')).toEqual([5]);
    expect(text(sheets.get('Oppsummering'))).toContain(
      '"Overskriftsrad","rad 2","Over den, ikke lest: rad 1 («Flåteliste april»)."',
    );
  });

  it('reads a workbook as Google Sheets writes it, with date1904="true" spelled out (14.7)', async () => {
    const workbook = officeXlsx({
      by: 'google',
      date1904: 'true',
      sharedStrings: ['Regnr', 'Action', 'Fnr', 'Surname', 'Start', 'OPPRETTE'],
      sheets: [
        {
          name: 'Sheet1',
          rows: [
            row(
              1,
              [0, 1, 2, 3, 4].map((i) => c.shared(`${'ABCDE'[i]}1`, i)),
              { by: 'google' },
            ),
            row(
              2,
              [
                c.inline('A2', 'CU20031'),
                c.shared('B2', 5),
                c.inline('C2', A),
                c.inline('D2', 'Hansen'),
                c.number('E2', serial('2026-12-24', true), STYLE.date),
              ],
              { by: 'google' },
            ),
          ],
        },
      ],
    });
    writeFileSync(join(harness.inbox, 'google.xlsx'), workbook);
    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    const sheets = await readSheets(reports(harness).xlsx);
    expect(column(sheets.get('Vellykket'), 'Start')).toEqual(['24.12.2026']);
    expect(column(sheets.get('Vellykket'), 'Rad')).toEqual([2]);
  });

  it('sends none of the rows LibreOffice hid, and says so per row (fixtures/flate-skjulte-rader.xlsx)', async () => {
    copyFileSync(join(FIXTURES, 'flate-skjulte-rader.xlsx'), join(harness.inbox, 'flate-skjulte-rader.xlsx'));
    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    expect(apiPlates(harness)).toEqual(['CU10070', 'CU10072', 'CU10074']);
    const { xlsx, summary } = reports(harness);
    expect(summary).toMatchObject({ rows: 6, ok: 3, skipped: 3, hidden: 3 });
    const sheets = await readSheets(xlsx);
    expect(column(sheets.get('Hoppet over'), 'Rad')).toEqual([3, 5, 7]);
    expect(column(sheets.get('Hoppet over'), 'Handling')).toEqual(['Opprette', 'Avslutte', 'Opprette']);
    const ledger = Ledger.open(harness.state);
    try {
      expect(ledger.history('CU10071').map((entry) => toEntry(entry).details)).toEqual([
        'hidden in the workbook (filtered out or hidden by hand): not sent',
      ]);
    } finally {
      ledger.close();
    }
  });

  it("reads the fleet after LibreOffice's cover sheet and title rows (fixtures/flate-forside-tittelrader.xlsx)", async () => {
    copyFileSync(join(FIXTURES, 'flate-forside-tittelrader.xlsx'), join(harness.inbox, 'forside.xlsx'));
    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    const sheets = await readSheets(reports(harness).xlsx);
    expect(column(sheets.get('Vellykket'), 'Rad')).toEqual([5, 6, 7, 8]);
    expect(column(sheets.get('Vellykket'), 'Startdato')).toEqual([
      '02.03.2026',
      '15.03.2026',
      '29.02.2024',
      '01.04.2026',
    ]);
    const overview = text(sheets.get('Oppsummering'));
    expect(overview).toContain('"Ark","Biler","Arket «Forside» foran');
    expect(overview).toContain(
      'rad 1 («Flåteliste mars 2026»), rad 2 («Utarbeidet av: økonomi, 02.03.2026») og tomme rader.',
    );
  });

  it('sends the rows once shown and the file dropped again, and nothing that went through before', async () => {
    const book = (hidden: readonly number[]) =>
      officeXlsx({
        sharedStrings: [],
        sheets: [
          {
            name: 'Biler',
            autoFilter: 'A1:D4',
            rows: [
              row(
                1,
                ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn'].map((h, i) =>
                  c.inline(`${'ABCD'[i]}1`, h),
                ),
              ),
              ...[A, B, C].map((person, i) =>
                row(
                  i + 2,
                  [
                    c.inline(`A${i + 2}`, `CU2004${i}`),
                    c.inline(`B${i + 2}`, 'OPPRETTE'),
                    c.inline(`C${i + 2}`, person),
                    c.inline(`D${i + 2}`, 'Hansen'),
                  ],
                  { hidden: hidden.includes(i + 2) },
                ),
              ),
            ],
          },
        ],
      });
    writeFileSync(join(harness.inbox, 'mars.xlsx'), book([3, 4]));
    await harness.run();
    expect(apiPlates(harness)).toEqual(['CU20040']);
    writeFileSync(join(harness.inbox, 'mars.xlsx'), book([]));
    const second = await harness.run();
    expect(second.files[0]?.counts).toMatchObject({ rows: 3, ok: 2, skipped: 1 });
    expect(apiPlates(harness)).toEqual(['CU20040', 'CU20041', 'CU20042']);
  });
});
