import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import { FleetFileError } from '../../src/input/types.ts';
import { readAll, rejection, useTempDir, writeBytes, xlsxParts, zipBytes } from '../support/input-files.ts';

const file = useTempDir();
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);

async function refusal(name: string, content: string | Uint8Array = 'x'): Promise<FleetFileError> {
  const error = await rejection(openFleetFile(await writeBytes(file(name), content)));
  expect(error).toBeInstanceOf(FleetFileError);
  expect((error as FleetFileError).file).toBe(file(name));
  return error as FleetFileError;
}

describe('file types we do not read', () => {
  it.each([
    [
      'flåte.xls',
      '"flåte.xls" er i det gamle Excel-formatet (.xls). Åpne filen i Excel og velg Fil > Lagre som > Excel-arbeidsbok (.xlsx) eller CSV (semikolondelt).',
    ],
    ['flåte.ods', /OpenDocument-regneark.*LibreOffice og velg Fil > Lagre som > Excel 2007-365 \(\.xlsx\)/],
    ['flåte.numbers', /Numbers-regneark.*Eksporter til > Excel eller CSV/],
    ['flåte.txt', /tekstfil \(\.txt\).*CSV \(semikolondelt\).*endelsen \.csv/],
    ['flåte.xlsb', /binær Excel-arbeidsbok \(\.xlsb\)/],
    ['flåte', /"flåte" har ingen filendelse/],
    [
      'flåte.pdf',
      /"flåte.pdf" er en \.pdf-fil\. Vi leser Excel-arbeidsbøker \(\.xlsx\) og CSV-filer \(\.csv\)/,
    ],
  ])('refuses %s and says how to save it', async (name, message) => {
    const error = await refusal(name);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('goes by the extension without regard to case', async () => {
    const error = await refusal('FLÅTE.XLS');
    expect(error.message).toMatch(/gamle Excel-formatet/);
    const { rows } = await readAll(await writeBytes(file('FLÅTE.CSV'), 'Regnr\nCU10001\n'));
    expect(rows).toHaveLength(1);
  });

  it('reads a macro-enabled workbook (.xlsm) as an .xlsx', async () => {
    const parts = xlsxParts([
      { name: 'Ark1', sheetData: '<row r="1"><c r="A1" t="inlineStr"><is><t>Regnr</t></is></c></row>' },
    ]);
    const { file: opened, headers } = await readAll(await writeBytes(file('makro.xlsm'), zipBytes(parts)));
    expect(opened.format).toBe('xlsx');
    expect(headers).toEqual(['Regnr']);
  });
});

describe('content that does not match the extension', () => {
  it('recognises an old .xls renamed to .xlsx', async () => {
    const error = await refusal('gammel.xlsx', OLE2);
    expect(error.message).toMatch(/egentlig i det gamle Excel-formatet \(\.xls\)\. Åpne filen i Excel/);
  });

  it('recognises a password-protected workbook', async () => {
    const content = Buffer.concat([OLE2, Buffer.from('EncryptedPackage', 'utf16le'), Buffer.alloc(100)]);
    const error = await refusal('passord.xlsx', content);
    expect(error.message).toMatch(/er passordbeskyttet/);
  });

  it('recognises a CSV renamed to .xlsx', async () => {
    const error = await refusal('tekst.xlsx', 'Regnr;Etternavn\r\nCU10001;Firkant\r\n');
    expect(error.message).toMatch(
      /ikke en gyldig Excel-fil; den ser ut som en tekstfil \(CSV\)\. Gi den endelsen \.csv/,
    );
  });

  it('recognises a workbook renamed to .csv', async () => {
    const parts = xlsxParts([{ name: 'Ark1', sheetData: '' }]);
    const error = await refusal('bok.csv', zipBytes(parts));
    expect(error.message).toMatch(/er en Excel-arbeidsbok eller en annen zip-fil, ikke en CSV-fil/);
  });

  it('refuses a binary file named .csv', async () => {
    const error = await refusal('binær.csv', Buffer.from([0x42, 0x00, 0x01, 0x02, 0x00]));
    expect(error.message).toMatch(/er ikke en tekstfil/);
  });
});

describe('files that cannot be opened', () => {
  it('says an empty file is empty', async () => {
    expect((await refusal('tom.csv', '')).message).toBe('"tom.csv": Filen er tom.');
    expect((await refusal('tom.xlsx', '')).message).toBe('"tom.xlsx": Filen er tom.');
  });

  it('says a missing file is missing', async () => {
    const error = await rejection(openFleetFile(file('finnes-ikke.csv')));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toBe('Finner ikke filen "finnes-ikke.csv".');
  });

  it('says a folder is a folder', async () => {
    await mkdir(file('mappe.csv'));
    const error = await rejection(openFleetFile(file('mappe.csv')));
    expect(error.message).toBe('"mappe.csv" er en mappe, ikke en fil.');
  });
});
