import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judge, restMsFor } from '../../src/inbox/growth.ts';
import { isLeftover } from '../../src/inbox/leftovers.ts';
import { completeLinesEnd } from '../../src/input/complete-lines.ts';

const REST = 600_000;
const NOW = 1_800_000_000_000;
const seen = { size: 100, mtimeMs: NOW - 2 * REST, tailHeld: false };

describe('what a later look does with a taken file', () => {
  it.each([
    ['never read to the end', undefined, { size: 100, mtimeMs: seen.mtimeMs }, 'read-again'],
    ['grew', seen, { size: 120, mtimeMs: seen.mtimeMs }, 'read-again'],
    ['same size, touched', seen, { size: 100, mtimeMs: seen.mtimeMs + 1 }, 'read-again'],
    [
      'unchanged, but only just written',
      { ...seen, mtimeMs: NOW - 1000 },
      { size: 100, mtimeMs: NOW - 1000 },
      'wait',
    ],
    ['unchanged and at rest', seen, { size: 100, mtimeMs: seen.mtimeMs }, 'at-rest'],
    [
      'at rest, last line held back',
      { ...seen, tailHeld: true },
      { size: 100, mtimeMs: seen.mtimeMs },
      'read-last-line',
    ],
    [
      'exactly the rest time',
      { ...seen, mtimeMs: NOW - REST },
      { size: 100, mtimeMs: NOW - REST },
      'at-rest',
    ],
  ] as const)('%s: %s', (_, look, now, verdict) => {
    expect(judge(look, now, NOW, REST)).toBe(verdict);
  });

  it('waits far longer than the settle time', () => {
    expect(restMsFor(1000)).toBe(600_000);
    expect(restMsFor(60_000)).toBe(1_800_000);
  });
});

describe("the job's own leftovers", () => {
  it.each([
    ['reports', '.mars.2026-11-25T19-40-12.igjen.csv.0a1b2c3d.tmp', true],
    ['reports', '.mars.2026-11-25T19-40-12-2.xlsx.0a1b2c3d.tmp', true],
    ['reports', '.mars.2026-11-25T19-40-12.summary.json.deadbeef.tmp', true],
    ['reports', '.mars.2026-11-25T19-40-12.lock', true],
    ['reports', '.mars.2026-11-25T19-40-12-3.lock', true],
    ['reports', '.notes.tmp', false],
    ['reports', '.gitkeep', false],
    ['reports', 'mars.2026-11-25T19-40-12.xlsx', false],
    ['reports', '.mars.lock', false],
    ['archive', '2026-11-25T19-40-12Z-mars.csv.part', true],
    ['archive', '2026-11-25T19-40-12Z-2-mars.csv.part', true],
    ['archive', '2026-11-25T19-40-12-mars.csv.part', true],
    ['archive', '2026-11-25T19-40-12Z-mars.csv', false],
    ['archive', 'mars.csv.part', false],
    ['inbox', '.leasingtaker-held-0a1b2c3d-mars.csv', true],
    ['inbox', '.mars.csv.part', false],
  ] as const)('%s: %s is ours: %s', (place, name, ours) => {
    expect(isLeftover(place, name)).toBe(ours);
  });
});

describe('where the complete lines of a file end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const endOf = async (bytes: Buffer) => {
    const path = join(dir, `f${Math.random()}`);
    writeFileSync(path, bytes);
    return completeLinesEnd(path, bytes.length);
  };
  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string) => {
    const le = Buffer.from(text, 'utf16le');
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
    return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
  };
  it.each([
    ['ends with CRLF', Buffer.from('a;b\r\nc;d\r\n'), 10],
    ['cut mid-row', Buffer.from('a;b\r\nc;d\r\nCU41'), 10],
    ['CR only', Buffer.from('a;b\rc;d\rCU'), 8],
    ['no line end at all', Buffer.from('Kjennemerke;Han'), 0],
    ['empty', Buffer.alloc(0), 0],
    ['UTF-8 cut inside Ø', Buffer.concat([Buffer.from('a\nØ'), Buffer.from('Ø').subarray(0, 1)]), 2],
    ['UTF-16LE cut mid-line', utf16le('a\tb\r\nc\td'), 2 + 10],
    ['UTF-16LE: Ċ (U+010A) is not a line end', utf16le('a\nĊb'), 2 + 4],
    ['UTF-16BE cut mid-line', utf16be('a\tb\r\nc'), 2 + 10],
  ])('%s', async (_, bytes, end) => {
    expect(await endOf(bytes)).toBe(end);
  });
  it('finds a line end more than one read back', async () => {
    const bytes = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(200_000, 0x41)]);
    expect(await endOf(bytes)).toBe(2);
  });
});
