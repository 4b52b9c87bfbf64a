import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../src/api/backoff.ts';

describe('backoffDelay', () => {
  it('stays within [0, min(max, base * 2^(attempt-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, random) => {
          const delay = backoffDelay(attempt, { baseMs, maxMs }, () => random);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, Math.min(maxMs, baseMs * 2 ** (attempt - 1))));
        },
      ),
    );
  });

  it('doubles its ceiling with every attempt until the maximum', () => {
    const justBelowOne = () => 0.999_999;
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) =>
      backoffDelay(attempt, { baseMs: 100, maxMs: 1000 }, justBelowOne),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['Thu, 15 Jan 2026 12:00:30 GMT', 30_000],
    ['Thu, 15 Jan 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
