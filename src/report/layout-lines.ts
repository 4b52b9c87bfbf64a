// Oppsummering's lines on where in the file the table was read: the sheet (and a cover sheet passed over),
// and the header row with the rows above it that were left out, so staff see that nothing was lost.

import type { FileRecord } from '../ledger/types.ts';

function quoteName(name: string): string {
  return `«${name}»`;
}

/** [label, value, explanation] lines for the Oppsummering sheet; none for a plain file read from row 1. */
export function layoutLines(file: FileRecord): (readonly [string, string, string])[] {
  const layout = file.layout;
  if (!layout) return [];
  const lines: (readonly [string, string, string])[] = [];
  if (layout.sheet !== undefined) {
    const passed = layout.passedOver ?? [];
    lines.push([
      'Ark',
      layout.sheet,
      passed.length === 0
        ? ''
        : `${passed.length === 1 ? 'Arket' : 'Arkene'} ${passed.map(quoteName).join(', ')} foran har ingen overskriftsrad med kolonnene, og ble ikke lest.`,
    ]);
    if (layout.alsoWithColumns?.length)
      lines.push(['Andre ark', '', alsoWithColumnsText(layout.sheet, layout.alsoWithColumns)]);
  }
  const above = layout.rowsAbove ?? [];
  if (file.headerRowNumber > 1) {
    const named = above.map((row) => `rad ${row.rowNumber} («${row.text}»)`);
    lines.push([
      'Overskriftsrad',
      `rad ${file.headerRowNumber}`,
      named.length === 0
        ? 'Radene over den er tomme.'
        : `Over den, ikke lest: ${named.join(', ')}${named.length < file.headerRowNumber - 1 ? ' og tomme rader' : ''}.`,
    ]);
  }
  return lines;
}

/** For a workbook with more than one sheet holding the columns: the first is read, the others are named. */
export function alsoWithColumnsText(sheet: string, others: readonly string[]): string {
  const names = others.map((name) => quoteName(name)).join(', ');
  return (
    `${others.length === 1 ? 'Arket' : 'Arkene'} ${names} har også kolonnene, men ble ikke lest: bare det første arket ` +
    `med kolonnene (${quoteName(sheet)}) leses. Skal ${others.length === 1 ? 'det' : 'de'} sendes, legg ${others.length === 1 ? 'det' : 'dem'} i en egen fil.`
  );
}
