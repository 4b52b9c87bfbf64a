// The README's configuration table, printed from the settings table (src/settings.ts). `npm run docs:settings`
// writes it into README.md in place of the one there; `node scripts/settings-table.ts` only prints it.
// test/settings.test.ts fails while the two differ.

import { readFileSync, writeFileSync } from 'node:fs';
import { describeDefault, describeRange, SETTINGS, type Setting } from '../src/settings.ts';

export const README = new URL('../README.md', import.meta.url);
export const HEADER: readonly string[] = ['variable', 'default', 'meaning'];
/** The README section whose first table is the settings table. */
const SECTION = '### Configuration';

/** One README row per setting: the variable (and its flag), the default with the range, the meaning. */
export function declaredRows(): string[][] {
  return Object.values(SETTINGS).map((setting: Setting) => {
    const flag = setting.flag?.split(' ')[0];
    const range = describeRange(setting);
    return [
      `\`${setting.env}\`${flag ? `, \`${flag}\`` : ''}`,
      `${describeDefault(setting)}${range ? ` (${range})` : ''}`,
      setting.meaning,
    ];
  });
}

/** A markdown table with its columns padded to one width, as the README's tables are. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  for (const cell of all.flat()) if (cell.includes('|')) throw new Error(`A cell may not hold "|": ${cell}`);
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Where the settings table is in the README's lines: from its header row to its last row (exclusive end). */
export function findTable(lines: readonly string[]): { start: number; end: number } {
  const section = lines.indexOf(SECTION);
  if (section < 0) throw new Error(`README.md has no "${SECTION}" section.`);
  const start = lines.findIndex((line, index) => index > section && line.startsWith('|'));
  if (start < 0) throw new Error(`README.md has no table under "${SECTION}".`);
  let end = start;
  while (end < lines.length && lines[end]?.startsWith('|')) end++;
  return { start, end };
}

/** The trimmed cells of one markdown table line. */
function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** The README's settings table: its header's cells, and its rows' (the separator line left out). */
export function readmeTable(readme: string): { header: string[]; rows: string[][] } {
  const lines = readme.split('\n');
  const { start, end } = findTable(lines);
  return { header: cells(lines[start] ?? ''), rows: lines.slice(start + 2, end).map(cells) };
}

/** README.md with its settings table replaced by the declared one. */
export function withDeclaredTable(readme: string): string {
  const lines = readme.split('\n');
  const { start, end } = findTable(lines);
  return [...lines.slice(0, start), renderTable(HEADER, declaredRows()), ...lines.slice(end)].join('\n');
}

if (import.meta.main) {
  if (process.argv.includes('--write')) {
    const before = readFileSync(README, 'utf8');
    const after = withDeclaredTable(before);
    writeFileSync(README, after);
    process.stdout.write(
      before === after ? 'README.md: the table was up to date.\n' : 'README.md: table written.\n',
    );
  } else {
    process.stdout.write(`${renderTable(HEADER, declaredRows())}\n`);
  }
}
