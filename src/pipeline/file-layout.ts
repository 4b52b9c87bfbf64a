import type { FleetFile } from '../input/types.ts';
import type { XlsxFleetFile } from '../input/xlsx-reader.ts';
import type { FileLayout } from '../ledger/types.ts';

/** Where the reader found the table, as the ledger records it for the report. */
export function layoutOf(file: FleetFile): FileLayout {
  const xlsx = file.format === 'xlsx' ? (file as XlsxFleetFile) : undefined;
  return {
    ...(xlsx ? { sheet: xlsx.sheet } : {}),
    ...(xlsx && xlsx.passedOver.length > 0 ? { passedOver: xlsx.passedOver } : {}),
    ...(file.rowsAbove.length > 0 ? { rowsAbove: file.rowsAbove } : {}),
  };
}
