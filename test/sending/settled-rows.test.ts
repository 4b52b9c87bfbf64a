import { describe, expect, it } from 'vitest';
import { SettledRows } from '../../src/sending/settled-rows.ts';

describe('SettledRows', () => {
  it('is at the first row before anything is claimed', () => {
    expect(new SettledRows().below).toBe(1);
  });

  it.each([
    { name: 'in order', claimed: [2, 3, 4], done: [2, 3, 4], below: [3, 4, 5] },
    { name: 'last first', claimed: [2, 3, 4], done: [4, 3, 2], below: [2, 2, 5] },
    { name: 'a gap in the numbers', claimed: [2, 7, 9], done: [7, 2, 9], below: [2, 9, 10] },
    { name: 'one still open', claimed: [2, 3, 4], done: [3, 4], below: [2, 2] },
  ])('stays at the first open row: $name', ({ claimed, done, below }) => {
    const settled = new SettledRows();
    for (const row of claimed) settled.claimed(row);
    const lines = done.map((row) => {
      settled.done(row);
      return settled.below;
    });
    expect(lines).toEqual(below);
  });

  it('moves past rows claimed later only once they are done', () => {
    const settled = new SettledRows();
    settled.claimed(2);
    settled.done(2);
    expect(settled.below).toBe(3);
    settled.claimed(5);
    expect(settled.below).toBe(5);
    expect(settled.done(5)).toBe(true);
    expect(settled.below).toBe(6);
  });

  it('says whether the line moved, and ignores rows it never saw claimed', () => {
    const settled = new SettledRows();
    settled.claimed(2);
    settled.claimed(3);
    expect(settled.done(3)).toBe(false);
    expect(settled.done(8)).toBe(false);
    expect(settled.done(2)).toBe(true);
    expect(settled.below).toBe(4);
  });
});
