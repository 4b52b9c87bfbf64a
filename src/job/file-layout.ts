import type { FleetFile } from '../input/types.ts';
import type { XlsxFleetFile } from '../input/xlsx-reader.ts';
import type { FileLayout } from '../ledger/types.ts';
import { alsoWithColumnsText } from '../report/layout-lines.ts';

/** Where the reader found the table, as the ledger records it for the report. */
export function layoutOf(file: FleetFile): FileLayout {
  const xlsx = file.format === 'xlsx' ? (file as XlsxFleetFile) : undefined;
  return {
    ...(xlsx ? { sheet: xlsx.sheet } : {}),
    ...(xlsx && xlsx.passedOver.length > 0 ? { passedOver: xlsx.passedOver } : {}),
    ...(xlsx && xlsx.alsoWithColumns.length > 0 ? { alsoWithColumns: xlsx.alsoWithColumns } : {}),
    ...(file.rowsAbove.length > 0 ? { rowsAbove: file.rowsAbove } : {}),
  };
}

/** What the clerk should know about the sheet read, for `validate`'s notes; Oppsummering says the same. */
export function layoutNotes(file: FleetFile): string[] {
  const layout = layoutOf(file);
  const notes: string[] = [];
  if (layout.alsoWithColumns?.length)
    notes.push(alsoWithColumnsText(layout.sheet ?? '', layout.alsoWithColumns));
  return notes;
}
