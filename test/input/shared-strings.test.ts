import { describe, expect, it } from 'vitest';
import { SharedStringStore } from '../../src/input/shared-strings.ts';

const RICH = {
  richText: [
    { font: { bold: true }, text: 'Fet' },
    { font: null, text: ' tekst' },
  ],
};
const ENTRIES: unknown[] = [
  'Kjennemerke',
  '',
  'CU10000',
  null,
  RICH,
  'Ærøe Østby Åsheim',
  'Depositum 4 500 €',
  '',
  'x'.repeat(40),
  'Levert; nøkler i resepsjonen',
  '',
];

describe('SharedStringStore', () => {
  // Chunks of 1, 7 and 64 characters put chunk ends before, inside and after texts, and empty texts at ends.
  it.each([1, 7, 64, 1 << 20])('gives back every entry as exceljs had it (chunks of %i)', (chunk) => {
    const store = new SharedStringStore(chunk);
    for (const entry of ENTRIES) store.push(entry);
    expect(store.length).toBe(ENTRIES.length);
    store.seal();
    ENTRIES.forEach((entry, i) => {
      expect(store.get(i)).toEqual(entry);
    });
    const array = store.asArrayLike();
    ENTRIES.forEach((entry, i) => {
      expect(array[i]).toEqual(entry);
    });
    expect(array.length).toBe(ENTRIES.length);
  });

  it('gives undefined past the end and for odd indexes, as the array did', () => {
    const store = new SharedStringStore(4);
    store.push('a');
    store.seal();
    const array = store.asArrayLike();
    expect(array[1]).toBeUndefined();
    expect(array[-1]).toBeUndefined();
    expect(store.get(0.5)).toBeUndefined();
    expect(store.get(Number.NaN)).toBeUndefined();
  });

  it('holds many texts across many chunks', () => {
    const store = new SharedStringStore(1000);
    for (let i = 0; i < 50_000; i++) store.push(`CU${i}`);
    store.seal();
    for (const i of [0, 1, 999, 12_345, 49_999]) expect(store.get(i)).toBe(`CU${i}`);
  });

  it('lets go of every text on release, and refuses new ones once sealed', () => {
    const store = new SharedStringStore();
    store.push('a');
    store.seal();
    expect(() => store.push('b')).toThrow();
    store.release();
    expect(store.length).toBe(0);
    expect(store.get(0)).toBeUndefined();
  });
});
