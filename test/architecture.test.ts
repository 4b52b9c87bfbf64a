// The layering ARCHITECTURE.md promises ("The folders": top to bottom, each folder imports only folders below it),
// read from the sources' own imports, so that an import running back up fails here instead of being found by
// the next reviewer.

import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesUnder } from './support/installation.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

/** A source file's part of the tree: its folder under src/, or the file itself for src/*.ts. */
function partOf(file: string): string {
  const [first, second] = relative(SRC, file).split('/');
  return second === undefined ? (first as string) : `${first}/`;
}

/** The folders' order as ARCHITECTURE.md's table lists them, top first. */
function documentedOrder(): string[] {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const table = text.slice(text.indexOf('## The folders'), text.indexOf('## Words'));
  const parts: string[] = [];
  for (const line of table.split('\n')) {
    const cell = /^\| (`[^|]+`) +\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const name of cell.matchAll(/`src\/([^`]+)`/g)) parts.push(name[1] as string);
  }
  return parts;
}

const sourceFiles = (dir: string): string[] => filesUnder(dir).filter((path) => path.endsWith('.ts'));

/** Every relative import of every file in src/ (static and dynamic), as [from part, to part, where]. */
function imports(): [string, string, string][] {
  const found: [string, string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)) {
      const target = normalize(join(dirname(file), match[1] as string));
      if (!target.startsWith(SRC)) continue;
      found.push([partOf(file), partOf(target), relative(ROOT, file)]);
    }
  }
  return found;
}

describe('the folders (ARCHITECTURE.md)', () => {
  const order = documentedOrder();
  // log.ts and console.ts are small shared edges ("sit just above domain/"); version.ts is read by anyone.
  const edges = new Map([
    ['log.ts', order.indexOf('domain/') - 0.5],
    ['console.ts', order.indexOf('domain/') - 0.5],
    ['version.ts', order.length],
  ]);
  const rank = (part: string) => edges.get(part) ?? order.indexOf(part);

  it('lists every folder of src/', () => {
    const parts = new Set(sourceFiles(SRC).map(partOf));
    const unlisted = [...parts].filter((part) => rank(part) < 0);
    expect(unlisted, 'add them to the table in ARCHITECTURE.md').toEqual([]);
  });

  it('has no import that runs back up the table', () => {
    const upward = imports()
      .filter(([from, to]) => from !== to && rank(to) <= rank(from))
      .map(([from, to, where]) => `${where}: ${from} imports ${to}`);
    expect(upward).toEqual([]);
  });

  it('keeps the simulator apart: nothing of the job is built on it, and it uses nothing of the job', () => {
    const crossings = imports()
      .filter(([from, to]) => (to === 'simulator/') !== (from === 'simulator/'))
      .filter(([from]) => from !== 'commands/')
      .map(([from, to, where]) => `${where}: ${from} imports ${to}`);
    expect(crossings).toEqual([]);
  });
});
