import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { CsvFleetFile } from '../../src/input/csv-reader.ts';
import { openFleetFile } from '../../src/input/open-fleet-file.ts';
import { FleetFileError } from '../../src/input/types.ts';
import { readAll, rejection, useTempDir, writeBytes } from '../support/input-files.ts';

const file = useTempDir();
let counter = 0;
const csv = (content: string | Uint8Array): Promise<string> => writeBytes(file(`t${++counter}.csv`), content);
const cp1252 = (text: string): Buffer => iconv.encode(text, 'windows-1252');

describe('CSV delimiters', () => {
  it.each([
    ['semicolon', ';'],
    ['comma', ','],
    ['tab', '\t'],
  ])('splits a %s-delimited file on that character only', async (_name, d) => {
    const path = await csv(`Kjennemerke${d}Handling${d}Merknad\nCU10001${d}OPPRETTE${d}"a;b,c\td"\n`);
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Kjennemerke', 'Handling', 'Merknad']);
    expect(rows).toEqual([{ rowNumber: 2, cells: ['CU10001', 'OPPRETTE', 'a;b,c\td'] }]);
  });

  it('picks the delimiter that occurs most in the header, ignoring delimiters inside quotes', async () => {
    const path = await csv('"Navn, etternavn";Fnr;Merknad\r\nFirkant;63888700414;x\r\n');
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Navn, etternavn', 'Fnr', 'Merknad']);
    expect(rows[0]?.cells).toEqual(['Firkant', '63888700414', 'x']);
  });

  it('honours an Excel sep= line, which does not count as a row', async () => {
    const path = await csv('sep=,\r\nKjennemerke,Etternavn;x\r\nCU10001,Firkant;y\r\n');
    const { file: opened, headers, headerRowNumber, rows } = await readAll(path);
    expect((opened as CsvFleetFile).delimiter).toBe(',');
    expect(headers).toEqual(['Kjennemerke', 'Etternavn;x']);
    expect(headerRowNumber).toBe(1);
    expect(rows).toEqual([{ rowNumber: 2, cells: ['CU10001', 'Firkant;y'] }]);
  });

  it('treats a file with one column as semicolon-delimited', async () => {
    const path = await csv('Kjennemerke\nCU10001\n');
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Kjennemerke']);
    expect(rows[0]?.cells).toEqual(['CU10001']);
  });
});

describe('CSV encodings', () => {
  it('reads Windows-1252 (Excel "CSV (semikolondelt)") with æøå, Ø and €', async () => {
    const path = await csv(
      cp1252('Kjennemerke;Fødselsnummer;Etternavn;Merknad\r\nCU10001;63888700414;Ærøe;5 €\r\n'),
    );
    const { file: opened, headers, rows } = await readAll(path);
    expect(headers).toEqual(['Kjennemerke', 'Fødselsnummer', 'Etternavn', 'Merknad']);
    expect(rows[0]?.cells).toEqual(['CU10001', '63888700414', 'Ærøe', '5 €']);
    expect((opened as CsvFleetFile).encoding).toBe('windows-1252');
  });

  it('detects Windows-1252 when the first non-ASCII byte comes long after the header', async () => {
    const filler = Array.from({ length: 20_000 }, (_, i) => `CU1${String(i).padStart(4, '0')};Firkant`).join(
      '\r\n',
    );
    const path = await csv(cp1252(`Kjennemerke;Etternavn\r\n${filler}\r\nCU99999;Østby\r\n`));
    const { rows } = await readAll(path);
    expect(rows.at(-1)).toEqual({ rowNumber: 20_002, cells: ['CU99999', 'Østby'] });
  });

  it('reads UTF-8 with a BOM without leaving the BOM on the first header', async () => {
    const path = await csv('\uFEFFReg.nr,Surname\nCU10001,Ødegård\n');
    const { file: opened, headers, rows } = await readAll(path);
    expect(headers[0]).toBe('Reg.nr');
    expect(rows[0]?.cells).toEqual(['CU10001', 'Ødegård']);
    expect((opened as CsvFleetFile).encoding).toBe('utf-8');
  });

  it('reads UTF-8 without a BOM, even with a character split across the 64 KiB read boundary', async () => {
    const header = 'Kjennemerke;Etternavn\n';
    const pad = 'x'.repeat(64 * 1024 - header.length - 'CU10001;'.length - 1);
    const path = await csv(`${header}CU10001;${pad}Ø\nCU10002;Ærøe\n`);
    const { file: opened, rows } = await readAll(path);
    expect(rows[0]?.cells[1]).toBe(`${pad}Ø`);
    expect(rows[1]?.cells).toEqual(['CU10002', 'Ærøe']);
    expect((opened as CsvFleetFile).encoding).toBe('utf-8');
  });

  it('reads UTF-16LE with a BOM (Excel "Unicode-tekst")', async () => {
    const path = await csv(
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('Regnr\tEtternavn\r\nCU10001\tÅsheim\r\n', 'utf16le'),
      ]),
    );
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Regnr', 'Etternavn']);
    expect(rows[0]?.cells).toEqual(['CU10001', 'Åsheim']);
  });

  it('refuses a file that switches from UTF-8 to Windows-1252 instead of garbling names', async () => {
    const path = await csv(
      Buffer.concat([Buffer.from('Regnr;Etternavn\nCU10001;Ærøe\n', 'utf8'), cp1252('CU10002;Østby\n')]),
    );
    const error = await rejection(readAll(path));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/blander tegnkodinger/);
  });

  it('composes decomposed letters (as a Mac may write them) so "å" is one character', async () => {
    const path = await csv('Regnr;Etternavn\nCU10001;A\u030asheim\n');
    const { rows } = await readAll(path);
    expect(rows[0]?.cells[1]).toBe('Åsheim');
  });
});

describe('CSV row numbers', () => {
  it('counts blank lines and lines of only delimiters but does not return them', async () => {
    const path = await csv(
      'Regnr;Etternavn;Merknad\r\n\r\nCU10001;Firkant;\r\n;;;\r\n   ;  ;\r\nCU10002;Østby;x\r\n',
    );
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 6]);
  });

  it('numbers the header after blank lines before it as Excel does', async () => {
    const path = await csv('\n;;\nRegnr;Etternavn\nCU10001;Firkant\n');
    const { headerRowNumber, rows } = await readAll(path);
    expect(headerRowNumber).toBe(3);
    expect(rows[0]?.rowNumber).toBe(4);
  });

  it('keeps row numbers right after a quoted cell with line breaks (one Excel row)', async () => {
    const path = await csv('Regnr;Merknad\r\nCU10001;"linje 1\r\nlinje 2\nlinje 3"\r\nCU10002;x\r\n');
    const { rows } = await readAll(path);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['CU10001', 'linje 1\r\nlinje 2\nlinje 3'] },
      { rowNumber: 3, cells: ['CU10002', 'x'] },
    ]);
  });

  it('reads a file with only old-Mac CR line ends', async () => {
    const path = await csv('Regnr;Etternavn\rCU10001;Firkant\r\rCU10002;Østby\r');
    const { rows } = await readAll(path);
    expect(rows.map((r) => [r.rowNumber, r.cells[0]])).toEqual([
      [2, 'CU10001'],
      [4, 'CU10002'],
    ]);
  });
});

describe('CSV cells', () => {
  it('trims cells and headers, pads short rows and keeps extra cells but not trailing empty ones', async () => {
    const path = await csv(' Regnr ; Etternavn ;;\nCU10001 \nCU10002;Firkant;;x;;\n');
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Regnr', 'Etternavn']);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['CU10001', ''] },
      { rowNumber: 3, cells: ['CU10002', 'Firkant', '', 'x'] },
    ]);
  });

  it('reads a quote inside an unquoted cell as text, as Excel does', async () => {
    const path = await csv('Regnr;Etternavn\nCU10001;Firkant "Ola"\n');
    const { rows } = await readAll(path);
    expect(rows[0]?.cells).toEqual(['CU10001', 'Firkant "Ola"']);
  });

  it('returns zero rows for a file with a header only', async () => {
    const path = await csv('Regnr;Etternavn\r\n\r\n');
    const { headers, rows } = await readAll(path);
    expect(headers).toEqual(['Regnr', 'Etternavn']);
    expect(rows).toEqual([]);
  });
});

describe('broken CSV files', () => {
  it('names the row whose quote is never closed', async () => {
    const lines = [
      'Regnr;Merknad',
      ...Array.from({ length: 15 }, (_, i) => `CU1${String(i + 1).padStart(4, '0')};ok`),
    ];
    const path = await csv(`${lines.join('\r\n')}\r\nCU10099;"ikke lukket\r\nCU10100;x\r\n`);
    const opened = await openFleetFile(path);
    const seen: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const row of opened.rows) seen.push(row.rowNumber);
      })(),
    );
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/^Rad 17 i "t\d+\.csv": et anførselstegn \("\) er ikke lukket/);
    expect(seen.at(-1)).toBe(16);
  });

  it('stops at a row longer than 1 MB and suggests an unclosed quote', async () => {
    const path = await csv(`Regnr;Merknad\nCU10001;"${'x'.repeat(1_100_000)}\nCU10002;y\n`);
    const error = await rejection(readAll(path));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(
      /^Rad 2 i "t\d+\.csv" er lengre enn 1[\s\u00a0]000[\s\u00a0]000 tegn\. Ofte skyldes det et anførselstegn/,
    );
  });

  it('refuses a line with 100,000 columns', async () => {
    const path = await csv(`Regnr;Merknad\nCU10001${';x'.repeat(100_000)}\n`);
    const error = await rejection(readAll(path));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(
      /^Rad 2 i "t\d+\.csv" har 100[\s\u00a0]001 kolonner; vi leser høyst 1000\./,
    );
  });

  it('refuses a file with only blank lines as having no header', async () => {
    const path = await csv('\r\n;;;\r\n\r\n');
    const error = await rejection(openFleetFile(path));
    expect(error).toBeInstanceOf(FleetFileError);
    expect(error.message).toMatch(/Filen er tom/);
  });
});

describe('CSV streaming', () => {
  it('reads lazily: stopping early closes the file without reading the rest', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `CU${10000 + (i % 90000)};Firkant`).join('\n');
    const path = await csv(`Regnr;Etternavn\n${body}\n`);
    const opened = await openFleetFile(path);
    const firsts: number[] = [];
    for await (const row of opened.rows) {
      firsts.push(row.rowNumber);
      if (firsts.length === 3) break;
    }
    expect(firsts).toEqual([2, 3, 4]);
    await opened.close();
    await opened.close();
  });

  it('ends a reading loop quietly when close() is called during it', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `CU${10000 + (i % 90000)};Firkant`).join('\n');
    const opened = await openFleetFile(await csv(`Regnr;Etternavn\n${body}\n`));
    let read = 0;
    for await (const _ of opened.rows) {
      if (++read === 100) void opened.close();
    }
    expect(read).toBe(100);
  });

  it('refuses to iterate rows twice', async () => {
    const opened = await openFleetFile(await csv('Regnr\nCU10001\n'));
    for await (const _ of opened.rows);
    expect(() => opened.rows[Symbol.asyncIterator]()).toThrow(/only once/);
    await opened.close();
  });
});
