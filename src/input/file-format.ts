// Which format a fleet file is, by its extension: the one rule the claim (what the ledger records), the reader
// and the retry file follow, so that a file read as a workbook is never recorded, or answered, as CSV.

import { extname } from 'node:path';

export type FleetFileFormat = 'csv' | 'xlsx';

/** The extensions read, lower case. Anything else is refused by the reader with what to save it as instead. */
const FORMATS: Readonly<Record<string, FleetFileFormat>> = {
  '.csv': 'csv',
  '.xlsx': 'xlsx',
  // A macro-enabled workbook is an .xlsx with a macro part we never run or read. Its retry file is a plain
  // .xlsx: the job writes no macros.
  '.xlsm': 'xlsx',
};

/**
 * The format of a file named `name` (a bare name or a path), or undefined for an extension not read. The
 * extension is node's `extname`, as the reader's refusal names it: `.csv` alone (a hidden file) has none.
 */
export function fleetFileFormat(name: string): FleetFileFormat | undefined {
  return FORMATS[extname(name).toLowerCase()];
}
