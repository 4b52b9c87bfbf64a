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
