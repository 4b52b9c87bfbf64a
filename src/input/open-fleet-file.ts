// Opens a fleet file by its extension, after checking that its first bytes agree with the extension, so
// staff get "save it as .xlsx" instead of a parser's complaint about a file that was never what it said.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type CsvFleetFile, openCsvFleetFile } from './csv-reader.ts';
import { fleetFileFormat } from './file-format.ts';
import { FleetFileError, type OpenOptions } from './types.ts';
import type { XlsxFleetFile } from './xlsx-reader.ts';

const SAVE_AS_EXCEL =
  'Åpne filen i Excel og velg Fil > Lagre som > Excel-arbeidsbok (.xlsx) eller CSV (semikolondelt).';

function refusal(path: string, extension: string): string {
  const name = basename(path);
  switch (extension) {
    case '.xls':
      return `"${name}" er i det gamle Excel-formatet (.xls). ${SAVE_AS_EXCEL}`;
    case '.xlsb':
      return `"${name}" er en binær Excel-arbeidsbok (.xlsb). ${SAVE_AS_EXCEL}`;
    case '.xltx':
    case '.xltm':
    case '.xlt':
      return `"${name}" er en Excel-mal (${extension}). ${SAVE_AS_EXCEL}`;
    case '.ods':
    case '.fods':
      return (
        `"${name}" er et OpenDocument-regneark (LibreOffice). ` +
        'Åpne filen i LibreOffice og velg Fil > Lagre som > Excel 2007-365 (.xlsx) eller Tekst CSV (.csv).'
      );
    case '.numbers':
      return `"${name}" er et Numbers-regneark. Åpne filen i Numbers og velg Fil > Eksporter til > Excel eller CSV.`;
    case '.txt':
    case '.tsv':
    case '.tab':
    case '.prn':
      return (
        `"${name}" er en tekstfil (${extension}). Åpne den i Excel og velg Fil > Lagre som > CSV (semikolondelt), ` +
        'eller gi den endelsen .csv hvis den allerede er delt med semikolon, komma eller tabulator.'
      );
    case '':
      return `"${name}" har ingen filendelse. Vi leser Excel-arbeidsbøker (.xlsx) og CSV-filer (.csv). ${SAVE_AS_EXCEL}`;
    default:
      return `"${name}" er en ${extension}-fil. Vi leser Excel-arbeidsbøker (.xlsx) og CSV-filer (.csv). ${SAVE_AS_EXCEL}`;
  }
}

type Content = 'empty' | 'zip' | 'ole2' | 'binary' | 'text';

const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

async function sniff(path: string): Promise<Content> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.length === 0) return 'empty';
    if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5))
      return 'zip';
    if (bytes.subarray(0, 8).equals(OLE2_MAGIC)) return 'ole2';
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    if (!utf16 && bytes.includes(0)) return 'binary';
    return 'text';
  } finally {
    await handle.close();
  }
}

/** An encrypted .xlsx is an OLE2 container holding a stream named "EncryptedPackage". */
async function isEncryptedWorkbook(path: string): Promise<boolean> {
  const marker = Buffer.from('EncryptedPackage', 'utf16le');
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const window = Buffer.concat([carry, chunk as Buffer]);
    if (window.includes(marker)) return true;
    carry = window.subarray(Math.max(0, window.length - marker.length));
  }
  return false;
}

async function contentMismatch(
  path: string,
  format: 'csv' | 'xlsx',
  content: Content,
): Promise<string | undefined> {
  const name = basename(path);
  if (content === 'ole2') {
    if (await isEncryptedWorkbook(path)) {
      return `"${name}" er passordbeskyttet. Åpne den i Excel, fjern passordet (Fil > Info > Beskytt arbeidsbok) og lagre på nytt.`;
    }
    return `"${name}" er egentlig i det gamle Excel-formatet (.xls). ${SAVE_AS_EXCEL}`;
  }
  if (format === 'xlsx') {
    if (content === 'zip') return undefined;
    if (content === 'text') {
      return `"${name}" er ikke en gyldig Excel-fil; den ser ut som en tekstfil (CSV). Gi den endelsen .csv, eller ${SAVE_AS_EXCEL.charAt(0).toLowerCase()}${SAVE_AS_EXCEL.slice(1)}`;
    }
    return `"${name}" er ikke en gyldig Excel-fil. ${SAVE_AS_EXCEL}`;
  }
  if (content === 'zip') {
    return `"${name}" er en Excel-arbeidsbok eller en annen zip-fil, ikke en CSV-fil. Gi den endelsen .xlsx hvis den er en Excel-arbeidsbok, eller ${SAVE_AS_EXCEL.charAt(0).toLowerCase()}${SAVE_AS_EXCEL.slice(1)}`;
  }
  if (content === 'binary')
    return `"${name}" er ikke en tekstfil, så den kan ikke være en CSV-fil. ${SAVE_AS_EXCEL}`;
  return undefined;
}

function accessError(path: string, error: unknown): FleetFileError {
  const name = basename(path);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new FleetFileError(path, `Finner ikke filen "${name}".`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new FleetFileError(path, `Har ikke tilgang til å lese "${name}".`, { cause: error });
    case 'EISDIR':
      return new FleetFileError(path, `"${name}" er en mappe, ikke en fil.`, { cause: error });
    case 'ENOTREGULAR':
      return new FleetFileError(
        path,
        `"${name}" er ikke en vanlig fil (men en FIFO, en sokkel eller en enhet).`,
        {
          cause: error,
        },
      );
    default:
      return new FleetFileError(path, `"${name}" kunne ikke åpnes (${code ?? 'ukjent feil'}).`, {
        cause: error,
      });
  }
}

/**
 * Opens a fleet file (.csv, or .xlsx/.xlsm) and reads its header row. Anything else, or a file whose content
 * doesn't match its extension, is refused with a FleetFileError that tells staff how to save it instead.
 */
export async function openFleetFile(
  path: string,
  options: OpenOptions = {},
): Promise<CsvFleetFile | XlsxFleetFile> {
  const format = fleetFileFormat(path);
  if (!format) throw new FleetFileError(path, refusal(path, extname(path).toLowerCase()));

  let content: Content;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // Opening a FIFO waits for a writer, for ever: only regular files are opened.
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREGULAR' });
    content = await sniff(path);
  } catch (error) {
    throw accessError(path, error);
  }
  if (content === 'empty') throw new FleetFileError(path, `"${basename(path)}": Filen er tom.`);
  const mismatch = await contentMismatch(path, format, content);
  if (mismatch) throw new FleetFileError(path, mismatch);

  try {
    if (format === 'csv')
      return await openCsvFleetFile(path, {
        ...(options.complete === undefined ? {} : { complete: options.complete }),
        ...(options.header ? { header: options.header } : {}),
      });
    // Loaded on demand: exceljs alone adds some 30 MB to a process that only reads CSV.
    const { openXlsxFleetFile } = await import('./xlsx-reader.ts');
    return await openXlsxFleetFile(path, options);
  } catch (error) {
    if (error instanceof FleetFileError) throw error;
    throw accessError(path, error);
  }
}
