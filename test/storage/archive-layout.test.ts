import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  archiveDayFolder,
  archiveName,
  dayFolderEnd,
  dayFolderName,
  isArchivedInput,
  isArchivedNameOf,
  isDayFolder,
  isHalfCopy,
  partPath,
} from '../../src/storage/archive-layout.ts';

describe('where an archived input goes', () => {
  it.each([
    ['2026-11-25T19:40:12.345Z', 1, '2026-11-25', '2026-11-25T19-40-12Z-mars.csv'],
    ['2026-11-25T19:40:12.999Z', 2, '2026-11-25', '2026-11-25T19-40-12Z-2-mars.csv'],
    ['2026-10-25T00:30:00Z', 1, '2026-10-25', '2026-10-25T00-30-00Z-mars.csv'],
    // Just before midnight in Oslo is the next day there, not in UTC: the day folder is UTC's, like the name.
    ['2026-12-31T23:30:00+00:00', 1, '2026-12-31', '2026-12-31T23-30-00Z-mars.csv'],
  ])('taken %s (#%i): in %s as %s', (at, n, day, name) => {
    expect(dayFolderName(new Date(at))).toBe(day);
    expect(archiveName(new Date(at), 'mars.csv', n)).toBe(name);
    expect(isDayFolder(day)).toBe(true);
    expect(isArchivedNameOf(name, 'mars.csv')).toBe(true);
    expect(isArchivedInput(name)).toBe(true);
    expect(isHalfCopy(partPath(name))).toBe(true);
    expect(isArchivedInput(partPath(name))).toBe(false);
  });

  it("puts an owner's inputs in its own folder, the installation's own straight in the archive", () => {
    const at = new Date('2026-11-25T19:40:12Z');
    expect(archiveDayFolder('/a', '', at)).toBe(join('/a', '2026-11-25'));
    expect(archiveDayFolder('/a', '310555568', at)).toBe(join('/a', '310555568', '2026-11-25'));
  });

  it.each([
    ['2026-11-25', Date.parse('2026-11-25T23:59:59.999Z')],
    ['2026-13-01', undefined],
    ['2026-11-25-old', undefined],
    ['310555568', undefined],
    ['.ledger-backup.sqlite', undefined],
  ])('the day folder %s ends at %s', (name, end) => {
    expect(dayFolderEnd(name)).toBe(end);
    if (end !== undefined) expect(isDayFolder(name)).toBe(true);
  });

  it.each([
    ['2026-11-25T19-40-12Z-mars.csv', 'mars.csv', true],
    ['2026-11-25T19-40-12Z-3-mars.csv', 'mars.csv', true],
    // Before the archive's times were UTC: no Z.
    ['2026-11-25T19-40-12-mars.csv', 'mars.csv', true],
    ['2026-11-25T19-40-12Z-mars.csv.part', 'mars.csv', false],
    ['2026-11-25T19-40-12Z-april.csv', 'mars.csv', false],
    ['mars.csv', 'mars.csv', false],
  ])('%s is an archived %s: %s', (entry, name, is) => {
    expect(isArchivedNameOf(entry, name)).toBe(is);
  });

  it.each([
    ['2026-11-25T19-40-12Z-mars.csv.part', true, false],
    ['2026-11-25T19-40-12-mars.csv.part', true, false],
    ['mars.csv.part', false, false],
    ['.notat', false, false],
    ['notat.txt', false, true],
  ])('%s: a half copy %s, perhaps an input %s', (name, half, input) => {
    expect(isHalfCopy(name)).toBe(half);
    expect(isArchivedInput(name)).toBe(input);
  });
});
