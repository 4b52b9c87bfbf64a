// Issue 14, items 1-3: title rows above the header, a cover sheet before the fleet, rows hidden in Excel. At the
// reader: which row is the header, which sheet is read, which rows are marked hidden, and what a file without
// a header row is told, never with a fødselsnummer in it.

import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/commands/validate.ts';
import { findColumns } from '../../src/domain/columns.ts';
import type { CsvFleetFile } from '../../src/input/csv-reader.ts';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import type { XlsxFleetFile } from '../../src/input/xlsx-reader.ts';
import { readAll, rejection, useTempDir, writeBytes, xlsxParts, zipBytes } from '../support/input-files.ts';
import { c, officeXlsx, row, STYLE } from '../support/office-package.ts';
import { fnr } from '../support/synthetic.ts';

const file = useTempDir();
const byColumns = { header: findColumns } as const;
const A = fnr({ day: 1, month: 1, year: 1970, individ: 200 });
const B = fnr({ day: 17, month: 5, year: 1985 });
const C = fnr({ day: 29, month: 2, year: 1996 });

describe('title rows above the header (issue 14.1)', () => {
  it('finds the header below a title and a blank line in a CSV, and keeps Excel row numbers', async () => {
    const path = await writeBytes(
      file('tittel.csv'),
      [
        'Flåteliste mars 2026;;;',
        ';;;',
        'Kjennemerke;Handling;Fødselsnummer;Etternavn',
        `CU20001;OPPRETTE;${A};Hansen`,
        `CU20002;OPPRETTE;${B};Berg`,
      ].join('\r\n'),
    );
    const { file: opened, headers, headerRowNumber, rows } = await readAll(path, byColumns);
    expect(headers).toEqual(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
    expect(headerRowNumber).toBe(3);
    expect(opened.rowsAbove).toEqual([{ rowNumber: 1, text: 'Flåteliste mars 2026' }]);
    expect(rows.map((r) => r.rowNumber)).toEqual([4, 5]);
    expect(rows[0]?.cells).toEqual(['CU20001', 'OPPRETTE', A, 'Hansen']);
  });

  it('takes the delimiter from the header, not from a title line without any', async () => {
    const path = await writeBytes(
      file('tittel-komma.csv'),
      `Flåteliste mars 2026\n\nKjennemerke,Handling,Fødselsnummer,Etternavn\nCU20001,OPPRETTE,${A},"Hansen, Kari"\n`,
    );
    const { file: opened, headerRowNumber, rows } = await readAll(path, byColumns);
    expect([(opened as CsvFleetFile).delimiter, headerRowNumber]).toEqual([',', 3]);
    expect(rows).toEqual([{ rowNumber: 4, cells: ['CU20001', 'OPPRETTE', A, 'Hansen, Kari'] }]);
  });

  it('finds it below a merged title cell and an "Utarbeidet av" row in an .xlsx', async () => {
    const strings = [
      'Flåteliste mars 2026',
      'Utarbeidet av: Kari (økonomi), 02.03.2026',
      'Kjennemerke',
      'Handling',
      'Fødselsnummer',
      'Etternavn',
      'OPPRETTE',
      'Hansen',
    ];
    const path = await writeBytes(
      file('tittel.xlsx'),
      officeXlsx({
        sharedStrings: strings,
        sheets: [
          {
            name: 'Flåte',
            merged: ['A1:D1'],
            rows: [
              row(1, [
                c.shared('A1', 0, STYLE.bold),
                c.empty('B1', STYLE.bold),
                c.empty('C1', STYLE.bold),
                c.empty('D1', STYLE.bold),
              ]),
              row(2, [c.shared('A2', 1)]),
              row(4, [c.shared('A4', 2), c.shared('B4', 3), c.shared('C4', 4), c.shared('D4', 5)]),
              row(5, [c.inline('A5', 'CU20001'), c.shared('B5', 6), c.inline('C5', A), c.shared('D5', 7)]),
            ],
          },
        ],
      }),
    );
    const { file: opened, headerRowNumber, rows } = await readAll(path, byColumns);
    expect(headerRowNumber).toBe(4);
    expect(opened.rowsAbove).toEqual([
      { rowNumber: 1, text: 'Flåteliste mars 2026' },
      { rowNumber: 2, text: 'Utarbeidet av: Kari (økonomi), 02.03.2026' },
    ]);
    expect(rows).toEqual([{ rowNumber: 5, cells: ['CU20001', 'OPPRETTE', A, 'Hansen'] }]);
  });

  it('names the row that came closest and what it lacks, without the fødselsnummer of a data row', async () => {
    const path = await writeBytes(
      file('mangler-handling.csv'),
      [
        'Flåteliste',
        'Regnr;Fnr;Etternavn',
        ...Array.from({ length: 25 }, (_, i) => `CU2${1000 + i};${A};Hansen`),
      ].join('\n'),
    );
    const error = await rejection(openFleetFile(path, byColumns));
    expect(error.message).toBe(
      '"mangler-handling.csv": Fant ingen overskriftsrad med alle kolonnene vi trenger i radene 1–20. ' +
        'Nærmest er rad 2, som mangler kolonnen for handling (f.eks. "Handling"). Rad 2 har: "Regnr", "Fnr", "Etternavn".',
    );
  });

  it('says that a file of data rows only needs a header row, and repeats none of its cells', async () => {
    const path = await writeBytes(
      file('uten-overskrift.csv'),
      [`CU20001;OPPRETTE;${A};Hansen`, `CU20002;OPPRETTE;${B};Berg`].join('\n'),
    );
    const error = await rejection(openFleetFile(path, byColumns));
    expect(error.message).toMatch(
      /^"uten-overskrift.csv": Fant ikke kolonnene for kjennemerke .* i radene 1–2\./,
    );
    expect(error.message).toContain('Rad 1 ser ut som en rad med data, ikke en overskriftsrad.');
    for (const secret of [A, B, A.slice(6), 'Hansen', 'Berg']) expect(error.message).not.toContain(secret);
  });

  it('shows a title with a year as a title, not as a row of data', async () => {
    const path = await writeBytes(
      file('bare-tittel.csv'),
      `Flåteliste mars 2026\nCU20001;OPPRETTE;${A};Hansen\n`,
    );
    const error = await rejection(openFleetFile(path, byColumns));
    expect(error.message).toMatch(/i radene 1–2\. Rad 1 har: "Flåteliste mars 2026"\.$/);
  });

  it('never repeats a fødselsnummer, not even one written in groups in the row that came closest', async () => {
    const path = await writeBytes(
      file('nesten.csv'),
      [`Kjennemerke;Fnr;${A.slice(0, 6)} ${A.slice(6)}`, `CU20001;${A};x`].join('\n'),
    );
    const error = await rejection(openFleetFile(path, byColumns));
    expect(error.message).toContain('Fant ikke kolonnene for handling');
    expect(error.message).not.toContain(A.slice(6));
  });

  it('keeps the first non-blank row as the header when no rule is given (the readers on their own)', async () => {
    const path = await writeBytes(file('fritt.csv'), 'Tittel\nKjennemerke;Handling\nCU20001;OPPRETTE\n');
    const { headerRowNumber, rows } = await readAll(path);
    expect(headerRowNumber).toBe(1);
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3]);
  });
});

const header = ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn'];
function fleetRows(first: number, options: { hidden?: readonly number[] } = {}): string[] {
  const people = [A, B, C, A];
  return [
    row(
      first,
      header.map((h, i) => c.inline(`${'ABCD'[i]}${first}`, h)),
    ),
    ...people.map((person, i) => {
      const r = first + 1 + i;
      return row(
        r,
        [
          c.inline(`A${r}`, `CU2000${i + 1}`),
          c.inline(`B${r}`, 'OPPRETTE'),
          c.inline(`C${r}`, person),
          c.inline(`D${r}`, 'Hansen'),
        ],
        { hidden: options.hidden?.includes(r) ?? false },
      );
    }),
  ];
}

describe('a cover sheet before the fleet (issue 14.2)', () => {
  const instructions = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      row(i + 1, [c.inline(`A${i + 1}`, `Punkt ${i + 1}: fyll inn Kjennemerke, Handling og Fødselsnummer`)]),
    );

  it('reads the first visible sheet that has a header row, and names the sheet passed over', async () => {
    const path = await writeBytes(
      file('forside.xlsx'),
      officeXlsx({
        sharedStrings: [],
        sheets: [
          { name: 'Forside', rows: instructions(6) },
          { name: 'Koder', state: 'hidden', rows: fleetRows(1) },
          { name: 'Biler', rows: fleetRows(2) },
        ],
      }),
    );
    const { file: opened, headerRowNumber, rows } = await readAll(path, byColumns);
    expect((opened as XlsxFleetFile).sheet).toBe('Biler');
    expect((opened as XlsxFleetFile).passedOver).toEqual(['Forside']);
    expect(headerRowNumber).toBe(2);
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 4, 5, 6]);
  });

  it('reads the sheet named with --sheet, even when another one has the columns', async () => {
    const path = await writeBytes(
      file('to-flater.xlsx'),
      officeXlsx({
        sharedStrings: [],
        sheets: [
          { name: 'Mars', rows: fleetRows(1) },
          { name: 'April', rows: fleetRows(3) },
        ],
      }),
    );
    const { file: opened, rows } = await readAll(path, { ...byColumns, sheet: 'april' });
    expect((opened as XlsxFleetFile).sheet).toBe('April');
    expect(rows[0]?.rowNumber).toBe(4);
    // Without --sheet the first is read, and the other one is named, not silently left out.
    const mars = await readAll(path, byColumns);
    const first = mars.file as XlsxFleetFile;
    expect([first.sheet, first.alsoWithColumns]).toEqual(['Mars', ['April']]);
    expect(mars.rows.map((r) => [r.rowNumber, r.cells[0]])).toEqual([
      [2, 'CU20001'],
      [3, 'CU20002'],
      [4, 'CU20003'],
      [5, 'CU20004'],
    ]);
    const verdict = await validateFile(path);
    expect(verdict.warnings).toEqual([
      'Arket «April» har også kolonnene, men ble ikke lest: bare det første arket med kolonnene («Mars») leses. Skal det sendes, legg det i en egen fil.',
    ]);
    const error = await rejection(
      openFleetFile(
        await writeBytes(
          file('feil-ark.xlsx'),
          officeXlsx({
            sharedStrings: [],
            sheets: [
              { name: 'Forside', rows: instructions(3) },
              { name: 'Biler', rows: fleetRows(1) },
            ],
          }),
        ),
        { ...byColumns, sheet: 'Forside' },
      ),
    );
    expect(error.message).toMatch(/^Arket «Forside» i "feil-ark.xlsx": Fant ikke kolonnene for kjennemerke/);
  });

  it('names each sheet and what was found in it when none has the columns', async () => {
    const path = await writeBytes(
      file('ingen-ark.xlsx'),
      officeXlsx({
        sharedStrings: [],
        sheets: [
          { name: 'Forside', rows: instructions(30) },
          {
            name: 'Biler',
            rows: [
              row(1, [c.inline('A1', 'Regnr'), c.inline('B1', 'Fnr'), c.inline('C1', 'Navn')]),
              row(2, [c.inline('A2', 'CU20001'), c.inline('B2', A), c.inline('C2', 'Hansen')]),
            ],
          },
          { name: 'Tomt', rows: [] },
          { name: 'Gammel', state: 'hidden', rows: fleetRows(1) },
        ],
      }),
    );
    const error = await rejection(openFleetFile(path, byColumns));
    expect(error.message).toBe(
      'Ingen av arkene i "ingen-ark.xlsx" har en overskriftsrad med kolonnene vi trenger. ' +
        '«Forside»: ingen av kolonnene i radene 1–20 (rad 1: "Punkt 1: fyll inn Kjennemerke, Handling…"); ' +
        '«Biler»: nærmest er rad 1, som mangler kolonnen for handling (f.eks. "Handling") (rad 1 har "Regnr", "Fnr", "Navn"); ' +
        '«Tomt»: tomt. Det skjulte arket «Gammel» har kolonnene: vis det i Excel (høyreklikk på en arkfane > Vis) og legg filen i innboksen på nytt.',
    );
    expect(error.message).not.toContain(A.slice(6));
  });

  it('looks at no more than the first 20 rows of a sheet it passes over', async () => {
    // A cover sheet of 100,000 rows (some 8 MB) whose XML breaks at its end: read to the end, it would refuse
    // the file as damaged.
    const parts = xlsxParts([
      {
        name: 'Forside',
        sheetData: `${instructions(100_000).join('')}<row r="100001"><c`,
      },
      { name: 'Biler', sheetData: fleetRows(1).join('') },
    ]);
    const { file: opened, rows } = await readAll(
      await writeBytes(file('stor-forside.xlsx'), zipBytes(parts)),
      byColumns,
    );
    expect((opened as XlsxFleetFile).sheet).toBe('Biler');
    expect(rows).toHaveLength(4);
  });
});

describe('rows hidden in Excel (issue 14.3)', () => {
  it('marks rows hidden by hand or filtered out by an autofilter, and reads hidden columns as usual', async () => {
    const path = await writeBytes(
      file('skjult.xlsx'),
      officeXlsx({
        sharedStrings: [],
        sheets: [
          { name: 'Biler', rows: fleetRows(1, { hidden: [3, 4] }), autoFilter: 'A1:D5', hiddenColumns: [3] },
        ],
      }),
    );
    const { rows } = await readAll(path, byColumns);
    expect(rows.map((r) => [r.rowNumber, r.hidden === true])).toEqual([
      [2, false],
      [3, true],
      [4, true],
      [5, false],
    ]);
    expect(rows[0]?.cells[2]).toBe(A);
  });

  it('finds hidden rows however the bytes are cut, with hidden="true" or single quotes', async () => {
    const filler = Array.from({ length: 3000 }, (_, i) =>
      row(i + 2, [c.inline(`A${i + 2}`, `CU${30000 + i}`), c.inline(`B${i + 2}`, 'OPPRETTE')], {
        hidden: i % 7 === 3,
      }),
    );
    const tweaked = filler.map((text, i) =>
      i % 7 === 3 && i % 2 === 0 ? text.replace('hidden="1"', "hidden='true'") : text,
    );
    const parts = xlsxParts([
      {
        name: 'Biler',
        sheetData: `<row r="1"><c r="A1" t="inlineStr"><is><t>Kjennemerke</t></is></c><c r="B1" t="inlineStr"><is><t>Handling</t></is></c></row>${tweaked.join('')}`,
      },
    ]);
    const { rows } = await readAll(await writeBytes(file('mange-skjulte.xlsx'), zipBytes(parts)));
    expect(rows).toHaveLength(3000);
    const hidden = rows.filter((r) => r.hidden).map((r) => r.rowNumber);
    expect(hidden).toEqual(
      Array.from({ length: 3000 }, (_, i) => i)
        .filter((i) => i % 7 === 3)
        .map((i) => i + 2),
    );
  });

  it('gives every formula error as Excel shows it, however the bytes are cut, and leaves look-alike text alone', async () => {
    const rowsXml = Array.from({ length: 3000 }, (_, i) => {
      const r = i + 2;
      return `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>CU${30000 + i}</t></is></c><c r="B${r}" t="e"><f>VLOOKUP(A${r},X!A:B,2,0)</f><v>#N/A</v></c><c r="C${r}" t="inlineStr"><is><t>a t="e" b</t></is></c></row>`;
    });
    const parts = xlsxParts([
      {
        name: 'Biler',
        sheetData: `<row r="1"><c r="A1" t="inlineStr"><is><t>Kjennemerke</t></is></c><c r="B1" t="inlineStr"><is><t>Oppslag</t></is></c><c r="C1" t="inlineStr"><is><t>Notat</t></is></c></row>${rowsXml.join('')}`,
      },
    ]);
    const { rows } = await readAll(await writeBytes(file('feil.xlsx'), zipBytes(parts)));
    expect(rows).toHaveLength(3000);
    expect(rows.every((r) => r.cells[1] === '#N/A' && r.cells[2] === 'a t="e" b')).toBe(true);
  });
});

describe('sheets looked at only for a note (issue 14.2)', () => {
  it('reads the fleet sheet when a later sheet, looked at only for a note, is damaged', async () => {
    const parts = xlsxParts([
      { name: 'Biler', sheetData: fleetRows(1).join('') },
      { name: 'Ødelagt', sheetData: '' },
    ]);
    delete parts['xl/worksheets/sheet2.xml'];
    const { file: opened, rows } = await readAll(
      await writeBytes(file('ødelagt-ark.xlsx'), zipBytes(parts)),
      byColumns,
    );
    expect([(opened as XlsxFleetFile).sheet, (opened as XlsxFleetFile).alsoWithColumns]).toEqual([
      'Biler',
      [],
    ]);
    expect(rows).toHaveLength(4);
  });
});
