// How far an .xlsx is read before it is refused, and the errors staff see when it is: bounds that keep a
// workbook made to hurt (a "zip bomb": kilobytes that unpack into gigabytes) from taking the process's memory,
// far above what a fleet file needs (200,000 rows from Excel are a 53 MB sheet and 9 MB of shared strings,
// 360,000 texts). Kept apart from the reading so the numbers and their wording sit together.

import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { FleetFileError } from './types.ts';
import { XmlGuard, type XmlLimits } from './xml-guard.ts';
import type { ZipEntry } from './zip.ts';

/** Limit for the small parts we read whole (workbook.xml, relationships, styles). */
export const MAX_SMALL_PART = 32 * 1024 * 1024;
/** Unpacked size of the sheet read; it is streamed, so this bounds time rather than memory. */
export const MAX_SHEET_BYTES = 512 * 1024 * 1024;
/** Unpacked size and entries of the shared-strings table, which is held in memory while the sheet is read. */
export const MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024;
export const MAX_SHARED_STRINGS = 1_000_000;
/** Longest text or tag (Excel: 32,767 characters a cell, up to 5 bytes each once escaped), row and shared string. */
const MAX_XML_GAP = 256 * 1024;
const MAX_ROW_BYTES = 4 * 1024 * 1024;
const MAX_SHARED_STRING_BYTES = 1024 * 1024;

/** Guard limits for a worksheet part: each `row` of `sheetData` bounded. */
export const SHEET_LIMITS: XmlLimits = {
  maxGapBytes: MAX_XML_GAP,
  element: { name: 'row', container: 'sheetData', maxBytes: MAX_ROW_BYTES },
};
/** Guard limits for the shared-strings part: each `si` of `sst` bounded. */
export const SHARED_STRINGS_LIMITS: XmlLimits = {
  maxGapBytes: MAX_XML_GAP,
  element: { name: 'si', container: 'sst', maxBytes: MAX_SHARED_STRING_BYTES },
};

export function damaged(path: string, cause: unknown): FleetFileError {
  return new FleetFileError(
    path,
    `"${basename(path)}" er skadet eller ufullstendig (kanskje ble den ikke ferdig lastet ned eller kopiert). ` +
      'Hent filen på nytt, eller åpne den i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx).',
    { cause },
  );
}

export function tooLarge(path: string, what: string): FleetFileError {
  return new FleetFileError(
    path,
    `"${basename(path)}" er for stor til å leses: ${what}. En vanlig flåtefil er langt mindre, så filen kan være ` +
      'feil eller skadet. Sjekk at det er riktig fil; er den det, del den i flere filer eller lagre den som CSV (semikolondelt).',
  );
}

const megabytes = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.round(bytes / 1024).toLocaleString('nb-NO')} kB`
    : `${Math.round(bytes / 1024 / 1024).toLocaleString('nb-NO')} MB`;

/**
 * Refuses a part whose size as the zip's directory declares it is over `maxBytes` (the zip reader refuses a
 * part that unpacks to more than it declared). `what` names the part for staff: "arket", "tekstene i filen".
 */
export function refuseUnpackedOver(path: string, entry: ZipEntry, maxBytes: number, what: string): void {
  if (entry.uncompressedSize > maxBytes) {
    throw tooLarge(
      path,
      `${what} blir ${megabytes(entry.uncompressedSize)} når filen pakkes ut, og vi leser høyst ${megabytes(maxBytes)}`,
    );
  }
}

/** The part's bytes through the guard; a crossed bound fails the stream with a FleetFileError in staff's words. */
export function guarded(
  path: string,
  source: Readable,
  limits: XmlLimits,
  extra?: () => string | undefined,
): Readable {
  const guard = new XmlGuard(limits, {
    toError: (crossed) =>
      tooLarge(
        path,
        crossed.limit === 'element'
          ? `en rad eller en tekst i filen er over ${megabytes(limits.element?.maxBytes ?? 0)}`
          : `en celle eller et element i filen er over ${megabytes(limits.maxGapBytes)}`,
      ),
    check: () => {
      const problem = extra?.();
      return problem === undefined ? undefined : tooLarge(path, problem);
    },
  });
  // An error of the zip entry (damage, a bad checksum) reaches the parser through the guard.
  pipeline(source, guard, () => {});
  return guard;
}
