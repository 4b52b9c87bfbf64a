// Synthetic fleet files for the benchmarks, made the way staff make them: a CSV as Excel saves "CSV UTF-8"
// (BOM, `;`), and an .xlsx written with a shared-strings table (as Excel saves every text cell). Deterministic:
// row i is always the same row, so a file can be kept between runs and the bare loop can send the very bodies
// the job sends.
//
// Every row is one the simulator accepts (`OPPRETTE`/`AVSLUTTE` of a known synthetic person on a plate of the
// CU or EL series), so the job and the bare loop get the same replies. Beyond 180,000 rows the plates repeat:
// the k-th appearance of a plate ends (odd k) or registers again (even k) the same lessee, which is a valid
// sequence for the file's checks and for the simulator.

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { mod11ControlDigit } from '../src/domain/mod11.ts';

/** Bumped whenever the rows change, so that files kept in the cache are made again. */
const GENERATOR_VERSION = 2;
const PLATES_PER_SERIES = 90_000;
const SERIES = ['CU', 'EL'] as const;
const PLATES = PLATES_PER_SERIES * SERIES.length;

const SURNAMES = [
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Pedersen',
  'Nilsen',
  'Kristiansen',
  'Jensen',
  'Karlsen',
  'Johnsen',
  'Pettersen',
  'Eriksen',
  'Berg',
  'Haugen',
  'Hagen',
  'Johannessen',
  'Andreassen',
  'Jacobsen',
  'Dahl',
  'Jørgensen',
  'Halvorsen',
  'Henriksen',
  'Lund',
  'Sørensen',
  'Jakobsen',
  'Moen',
  'Gundersen',
  'Iversen',
  'Strand',
  'Solberg',
  'Svendsen',
  'Eide',
  'Knutsen',
  'Martinsen',
  'Paulsen',
  'Bakken',
  'Kristoffersen',
  'Mathisen',
  'Lie',
  'Ærøe',
  'Østby',
  'Åsheim',
  'Bråten',
  'Lærum',
  'Søvik',
  'Grønstad',
  'Nygård',
  'Ødegård',
  'Strøm',
];
const DEPARTMENTS = ['Salg Øst', 'Salg Vest', 'Service', 'Ledelse', 'Lager', 'Logistikk Nord'];
const NOTES = ['', '', '', '', 'Levert; nøkler i resepsjonen', 'Depositum 4 500 €', 'Avsluttet etter 36 mnd'];
const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

export const HEADERS = ['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn', 'Avdeling', 'Merknad'];

/** A row as the file holds it, and the request body the API client makes of it. */
export interface BenchRow {
  readonly cells: readonly string[];
  readonly body: string;
}

/**
 * A synthetic test person (month + 80, as in Skatteetaten's test data) for plate index `n`: both control
 * digits right, individnummer below 500 (born 1900-1999), never 998/999 (the simulator's special cases).
 */
function fodselsnummer(n: number): string {
  for (let attempt = 0; ; attempt++) {
    const k = n * 7 + attempt * 1_000_003;
    const day = 1 + (k % 28);
    const month = 81 + (Math.floor(k / 28) % 12);
    const year = Math.floor(k / 336) % 100;
    const individ = Math.floor(k / 33_600) % 500;
    const nine = `${String(day).padStart(2, '0')}${month}${String(year).padStart(2, '0')}${String(individ).padStart(3, '0')}`;
    const k1 = mod11ControlDigit(nine, K1);
    if (k1 === undefined) continue;
    const k2 = mod11ControlDigit(`${nine}${k1}`, K2);
    if (k2 === undefined) continue;
    return `${nine}${k1}${k2}`;
  }
}

export function benchRow(i: number): BenchRow {
  const plateIndex = i % PLATES;
  const series = SERIES[Math.floor(plateIndex / PLATES_PER_SERIES)] as string;
  const plate = `${series}${10_000 + (plateIndex % PLATES_PER_SERIES)}`;
  const handling = Math.floor(i / PLATES) % 2 === 0 ? 'OPPRETTE' : 'AVSLUTTE';
  const fnr = fodselsnummer(plateIndex);
  const surname = SURNAMES[plateIndex % SURNAMES.length] as string;
  // Staff type plates as they see them: now and then with a space or in lower case.
  const shownPlate =
    i % 20 === 7 ? `${series} ${plate.slice(2)}` : i % 20 === 13 ? plate.toLowerCase() : plate;
  const shownHandling = i % 10 === 3 ? handling.toLowerCase() : handling;
  const cells = [
    shownPlate,
    shownHandling,
    fnr,
    surname,
    DEPARTMENTS[i % DEPARTMENTS.length] as string,
    NOTES[i % NOTES.length] as string,
  ];
  const body = JSON.stringify({
    handling,
    kjennemerke: plate,
    leasingtakerId: { fodselsnummer: fnr },
    etternavn: surname,
  });
  return { cells, body };
}

function csvCell(text: string): string {
  return /[;"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`\uFEFF${HEADERS.join(';')}\r\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${benchRow(i).cells.map(csvCell).join(';')}\r\n`;
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'close');
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet('Flåte');
  sheet.addRow(HEADERS).commit();
  for (let i = 0; i < rows; i++) {
    sheet.addRow([...benchRow(i).cells]).commit();
    // Let the zip stream drain now and then; exceljs' writer has no backpressure of its own.
    if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
}

/** The request bodies of the first `rows` rows, one JSON per line: what the bare loop sends. */
export async function writeBodies(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${benchRow(i).body}\n`;
    if (chunk.length > 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
}

/**
 * A fleet file of `rows` rows in `dir` (kept: a second call returns the same file without writing it again).
 * Written under a temporary name and renamed, so an interrupted run never leaves half a file to be reused.
 */
export async function fleetFile(dir: string, format: 'csv' | 'xlsx', rows: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `flate-${rows}-v${GENERATOR_VERSION}.${format}`);
  if (existsSync(path)) return path;
  const temp = `${path}.${process.pid}.part`;
  if (format === 'csv') await writeCsv(temp, rows);
  else await writeXlsx(temp, rows);
  renameSync(temp, path);
  return path;
}

/** The bodies file for `rows` rows in `dir`, kept like the fleet files. */
export async function bodiesFile(dir: string, rows: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `bodies-${rows}-v${GENERATOR_VERSION}.jsonl`);
  if (existsSync(path)) return path;
  const temp = `${path}.${process.pid}.part`;
  await writeBodies(temp, rows);
  renameSync(temp, path);
  return path;
}

/** Where LibreOffice is, or undefined: the benchmarks then say they left out its workbooks. */
export function sofficePath(): string | undefined {
  for (const candidate of [process.env.SOFFICE, '/usr/bin/soffice', '/usr/local/bin/soffice']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * An .xlsx of `rows` rows saved by LibreOffice from the CSV, as staff make one by opening a CSV and saving it
 * as a workbook: every text in `xl/sharedStrings.xml`, LibreOffice's own zip layout. Every column is imported
 * as text (the CSV filter's column types), or LibreOffice would turn fødselsnummer into numbers.
 */
export async function libreOfficeFile(dir: string, rows: number, soffice: string): Promise<string> {
  const path = join(dir, `flate-${rows}-v${GENERATOR_VERSION}.lo.xlsx`);
  if (existsSync(path)) return path;
  const csv = await fleetFile(dir, 'csv', rows);
  const work = join(dir, `lo-${process.pid}`);
  mkdirSync(work, { recursive: true });
  // 59 = `;`, 34 = `"`, 76 = UTF-8, first line 1; then column/type pairs, 2 = text.
  const columns = HEADERS.map((_, i) => `${i + 1}/2`).join('/');
  execFileSync(
    soffice,
    [
      `-env:UserInstallation=file://${join(work, 'profile')}`,
      '--headless',
      `--infilter=CSV:59,34,76,1,${columns}`,
      '--convert-to',
      'xlsx:Calc MS Excel 2007 XML',
      '--outdir',
      work,
      csv,
    ],
    { stdio: 'ignore', timeout: 30 * 60_000 },
  );
  renameSync(join(work, `flate-${rows}-v${GENERATOR_VERSION}.xlsx`), path);
  rmSync(work, { recursive: true, force: true });
  return path;
}
