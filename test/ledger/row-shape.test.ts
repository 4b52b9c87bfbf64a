// The column readers every ledger mapper goes through: the right type passes, anything else fails naming the
// column (a query and its mapper that drift apart fail at the first row, not in a report).

import { describe, expect, it } from 'vitest';
import {
  countOf,
  flag,
  num,
  numOrNull,
  oneOf,
  oneOfOrNull,
  type SqlRow,
  text,
  textOrNull,
} from '../../src/ledger/row-shape.ts';

const row: SqlRow = { n: 3, none: null, s: 'abc', one: 1, zero: 0, status: 'ok', odd: 'sent' };
const STATUSES = ['ok', 'failed'] as const;

describe('column readers', () => {
  it.each([
    ['num', () => num(row, 'n'), 3],
    ['numOrNull of a number', () => numOrNull(row, 'n'), 3],
    ['numOrNull of NULL', () => numOrNull(row, 'none'), null],
    ['text', () => text(row, 's'), 'abc'],
    ['textOrNull of text', () => textOrNull(row, 's'), 'abc'],
    ['textOrNull of NULL', () => textOrNull(row, 'none'), null],
    ['flag 1', () => flag(row, 'one'), true],
    ['flag 0', () => flag(row, 'zero'), false],
    ['oneOf a known value', () => oneOf(row, 'status', STATUSES), 'ok'],
    ['oneOfOrNull of NULL', () => oneOfOrNull(row, 'none', STATUSES), null],
    ['countOf a row', () => countOf(row), 3],
    ['countOf no row', () => countOf(undefined), 0],
    ['countOf a NULL (max of no rows)', () => countOf(row, 'none'), 0],
  ])('reads %s', (_name, read, expected) => {
    expect(read()).toBe(expected);
  });

  it.each([
    ['num of text', () => num(row, 's'), /column s is string where a number/],
    ['num of NULL', () => num(row, 'none'), /column none is NULL where a number/],
    ['num of a missing column', () => num(row, 'gone'), /column gone is missing/],
    ['numOrNull of text', () => numOrNull(row, 's'), /column s is string/],
    ['text of a number', () => text(row, 'n'), /column n is number where text/],
    ['text of NULL', () => text(row, 'none'), /column none is NULL where text/],
    ['textOrNull of a number', () => textOrNull(row, 'n'), /column n is number/],
    ['flag of text', () => flag(row, 's'), /column s is string/],
    ['oneOf an unknown value', () => oneOf(row, 'odd', STATUSES), /column odd holds an unknown value/],
    ['oneOfOrNull of an unknown value', () => oneOfOrNull(row, 'odd', STATUSES), /column odd/],
  ])('refuses %s, naming the column', (_name, read, message) => {
    expect(read).toThrow(message);
  });

  it('does not put the unknown value in its error (a column may hold personal data)', () => {
    const secret: SqlRow = { status: '63888700414' };
    expect(() => oneOf(secret, 'status', STATUSES)).toThrow(/^(?!.*63888700414)/);
  });
});
