// The Oppsummering sheet: what happened to the file, in words a back-office person acts on.

import type ExcelJS from 'exceljs';
import {
  type CellScalar,
  cellValue,
  FONT,
  headerStyle,
  OWN_HEADER_FILL,
  TEXT_FORMAT,
  wrappedLines,
} from './excel.ts';
import { Fitting } from './excel-limits.ts';
import { layoutLines } from './layout-lines.ts';
import { GIVEN_UP } from './row-texts.ts';
import type { ReportInput } from './types.ts';

const DATE_TIME_SECONDS_FORMAT = 'dd.mm.yyyy hh:mm:ss';
// B holds dates with seconds (19 characters) as well as counts.
const WIDTHS = [24, 21, 100] as const;
const FULL_WIDTH = WIDTHS[0] + WIDTHS[1] + WIDTHS[2];
const RED = 'FFC00000';
const HIDDEN_MEANING =
  'Skjult i Excel (filtrert bort eller skjult), så ikke sendt. Står i arket Hoppet over.';

interface Outcome {
  readonly label: string;
  readonly count: number;
  readonly meaning: string;
  /** A breakdown of the line above, not an outcome of its own: left out of the total by eye. */
  readonly detail?: boolean;
}

function outcomes(input: ReportInput): Outcome[] {
  const { counts, pending } = input;
  const hidden = input.hidden ?? 0;
  return [
    { label: 'Vellykket', count: counts.ok, meaning: 'Registrert i Autosys (eller det var allerede slik).' },
    {
      label: 'Stoppet',
      count: counts.stopped,
      meaning: 'API-et stoppet raden med en merknad – ingenting ble endret. Merknaden står i arket Stoppet.',
    },
    {
      label: 'Feilet',
      count: counts.failed,
      meaning: 'Teknisk feil eller ikke sendt – prøves automatisk på nytt ved de neste kjøringene.',
    },
    ...(pending > 0
      ? [
          {
            label: 'herav ikke sendt',
            count: pending,
            meaning: 'Ble aldri sendt i denne kjøringen; sendes ved neste kjøring.',
            detail: true,
          },
        ]
      : []),
    {
      label: 'Ugyldig',
      count: counts.invalid,
      meaning: 'Raden kan ikke sendes før den er rettet. Årsaken står i arket Ugyldig.',
    },
    {
      label: 'Hoppet over',
      count: counts.skipped,
      meaning:
        hidden > 0
          ? 'Allerede gjort tidligere, eller skjult i Excel – ikke sendt.'
          : 'Allerede gjort tidligere – ikke sendt på nytt.',
    },
    ...(hidden > 0
      ? [
          {
            label: 'herav skjult i Excel',
            count: hidden,
            meaning: HIDDEN_MEANING,
            detail: true,
          },
        ]
      : []),
  ];
}

/** "Hva nå?": one sentence per thing to do, the most urgent first. */
export function whatNext(input: ReportInput, retryName: string | null): string[] {
  const { counts, file } = input;
  const todo: string[] = [];
  if (file.error) todo.push('Rett feilen i filen (se over) og legg filen i innboksen på nytt.');
  if (retryName && counts.stopped > 0) {
    todo.push(
      `Stoppet: radene står i ${retryName}, med merknaden i kolonnen Årsak. Rett det merknaden peker på ` +
        '(i filen eller i Autosys) og legg filen i innboksen igjen. Må en annen leasingtaker avsluttes først, ' +
        'legg inn en rad med AVSLUTTE for den over raden. Radene sendes på nytt hver gang filen legges i ' +
        'innboksen: legges den inn igjen uten at noe er rettet, blir svaret det samme.',
    );
  }
  const givenUp = input.givenUp ?? 0;
  if (givenUp > 0) {
    todo.push(
      `Feilet: ${givenUp} rad(er) er prøvd i alle kjøringene som er tillatt og ${GIVEN_UP}. ` +
        'Feilen står i arket Feilet.',
    );
  }
  if (counts.failed > givenUp) {
    const alsoInFile = retryName && counts.stopped === 0 ? ` De står også i ${retryName}.` : '';
    todo.push(
      `Feilet: du trenger ikke gjøre noe – radene prøves automatisk på nytt ved neste kjøring.${alsoInFile}`,
    );
  }
  if (counts.invalid > 0) {
    todo.push(
      'Ugyldig: rett radene (se arket Ugyldig) i den opprinnelige filen og legg den i innboksen på nytt. ' +
        'Rader som alt er gjort, hoppes over; rader som ble stoppet, sendes på nytt.',
    );
  }
  const hidden = input.hidden ?? 0;
  if (hidden > 0) {
    todo.push(
      `Hoppet over: ${hidden} rad(er) er skjult i Excel og ble ikke sendt (se arket Hoppet over). ` +
        'Skal de sendes: vis radene og legg filen i innboksen på nytt. Rader som alt er gjort, hoppes over.',
    );
  }
  if (todo.length === 0) todo.push('Ingenting – alle radene er ferdige.');
  return todo;
}

type Line = readonly [CellScalar?, CellScalar?, CellScalar?];

/**
 * `notes` say what the report had to fit to Excel's limits (fit-notes.ts); `fitting` counts what this sheet's
 * own cells needed (a file name with characters XML can't hold).
 */
export function writeOverviewSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  input: ReportInput,
  retryName: string | null,
  notes: readonly string[] = [],
  fitting: Fitting = new Fitting(),
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet('Oppsummering', {
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = WIDTHS.map((width) => ({ width, style: { alignment: { vertical: 'top' } } }));

  const add = (line: Line, style?: (row: ExcelJS.Row) => void) => {
    const row = sheet.addRow(line.map((v) => cellValue(v ?? null, fitting)));
    const lines = wrappedLines(line[2] ?? null, WIDTHS[2]);
    if (lines > 1) row.height = lines * 15;
    style?.(row);
    row.commit();
  };
  const label = (row: ExcelJS.Row) => {
    row.getCell(1).font = { ...FONT, bold: true };
    row.getCell(2).alignment = { horizontal: 'left', vertical: 'top' };
  };
  const wrap = (row: ExcelJS.Row) => {
    row.getCell(3).alignment = { vertical: 'top', wrapText: true };
  };
  const heading = (text: string, size: number) =>
    add([text], (row) => {
      row.getCell(1).font = { ...FONT, bold: true, size };
      row.height = size * 1.6;
    });
  /** A sentence across all three columns, wrapped: the advice is read, not filtered. */
  const paragraph = (text: string) =>
    add([text], (row) => {
      sheet.mergeCells(row.number, 1, row.number, 3);
      row.getCell(1).alignment = { vertical: 'top', wrapText: true };
      // Merged cells wrap a little earlier than the sum of their widths suggests (padding per column).
      const lines = wrappedLines(text, FULL_WIDTH * 0.85);
      if (lines > 1) row.height = lines * 15;
    });

  const { file } = input;
  heading(`Resultat for ${file.name}`, 14);
  add([]);
  add(['Fil', file.name], label);
  if (file.owner) {
    // An organisasjonsnummer is an identifier: text, or Excel shows it as a number that can be summed.
    add(['Flåteeier (org.nr.)', file.owner], (row) => {
      label(row);
      row.getCell(2).numFmt = TEXT_FORMAT;
    });
  }
  for (const line of layoutLines(file))
    add(line, (row) => {
      label(row);
      wrap(row);
    });
  add(['Kjøringen startet', input.runStartedAt], (row) => {
    label(row);
    row.getCell(2).numFmt = DATE_TIME_SECONDS_FORMAT;
  });
  add(['Kjøringen var ferdig', input.runFinishedAt], (row) => {
    label(row);
    row.getCell(2).numFmt = DATE_TIME_SECONDS_FORMAT;
  });
  add([]);

  add(['Utfall', 'Rader', 'Hva det betyr'], (row) => {
    for (const n of [1, 2, 3]) row.getCell(n).style = headerStyle(OWN_HEADER_FILL);
  });
  for (const outcome of outcomes(input)) {
    add([outcome.label, outcome.count, outcome.meaning], (row) => {
      label(row);
      wrap(row);
      if (outcome.detail) {
        for (const n of [1, 2, 3])
          row.getCell(n).font = { ...FONT, italic: true, color: { argb: 'FF595959' } };
      }
    });
  }
  add(['Totalt', input.counts.rows], (row) => {
    label(row);
    for (const n of [1, 2, 3]) row.getCell(n).border = { top: { style: 'thin' } };
  });

  if (file.error || input.notice) add([]);
  if (file.error) {
    add(['Feil i filen', null, file.error], (row) => {
      row.getCell(1).font = { ...FONT, bold: true, color: { argb: RED } };
      row.getCell(3).font = { ...FONT, color: { argb: RED } };
      wrap(row);
    });
  }
  if (input.notice) {
    add(['Merk', null, input.notice], (row) => {
      label(row);
      wrap(row);
    });
  }
  if (notes.length > 0) add([]);
  for (const note of notes) {
    add(['Tilpasset Excel', null, note], (row) => {
      label(row);
      wrap(row);
    });
  }

  add([]);
  heading('Hva nå?', 12);
  for (const line of whatNext(input, retryName)) paragraph(`• ${line}`);

  add([]);
  heading('Om arkene', 12);
  paragraph(
    'Hvert utfall har sitt eget ark. «Rad» er radnummeret i filen din, slik Excel viser det. Kolonnene med ' +
      'grå overskrift er raden slik den stod i filen; de blå er svaret fra denne kjøringen. Har en av ' +
      'kolonnene dine samme navn som en av de blå, står «(fra fila)» bak navnet på din.',
  );
  sheet.commit();
  return sheet;
}
