// Reads the columns of a node:sqlite result row as the types the schema gives them. node:sqlite types every row
// as `Record<string, SQLOutputValue>`; the ledger's mappers read each column through these instead of casting
// the row, so that a query and its mapper that drift apart fail at the first row, naming the column, instead of
// handing `undefined` on to a report.

import type { SQLOutputValue } from 'node:sqlite';
import type { Handling } from '../domain/types.ts';
import type { FileRecord, FileStatus, RowStatus } from './types.ts';

export type SqlRow = Readonly<Record<string, SQLOutputValue>>;

function wrongShape(column: string, value: SQLOutputValue | undefined, expected: string): Error {
  const found = value === undefined ? 'missing' : value === null ? 'NULL' : typeof value;
  return new Error(`Ledger: column ${column} is ${found} where ${expected} was expected`);
}

/** An INTEGER or REAL column that is never NULL. */
export function num(row: SqlRow, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  throw wrongShape(column, value, 'a number');
}

export function numOrNull(row: SqlRow, column: string): number | null {
  const value = row[column];
  if (value === null || typeof value === 'number') return value;
  throw wrongShape(column, value, 'a number or NULL');
}

export function text(row: SqlRow, column: string): string {
  const value = row[column];
  if (typeof value === 'string') return value;
  throw wrongShape(column, value, 'text');
}

export function textOrNull(row: SqlRow, column: string): string | null {
  const value = row[column];
  if (value === null || typeof value === 'string') return value;
  throw wrongShape(column, value, 'text or NULL');
}

/** A 0/1 INTEGER column (SQLite has no booleans). */
export function flag(row: SqlRow, column: string): boolean {
  return num(row, column) === 1;
}

/** A text column that holds one of `values`. */
export function oneOf<T extends string>(row: SqlRow, column: string, values: readonly T[]): T {
  const value = text(row, column);
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new Error(`Ledger: column ${column} holds an unknown value`);
}

/** A text column that holds one of `values`, or NULL. */
export function oneOfOrNull<T extends string>(row: SqlRow, column: string, values: readonly T[]): T | null {
  return row[column] === null ? null : oneOf(row, column, values);
}

/** `count(*) AS n` and the like: the single number a query returns (0 for no row). */
export function countOf(row: SqlRow | undefined, column = 'n'): number {
  return row === undefined ? 0 : (numOrNull(row, column) ?? 0);
}

// The values the ledger's text columns hold, for `oneOf`.
export const HANDLINGS: readonly Handling[] = ['OPPRETTE', 'AVSLUTTE'];
export const ROW_STATUSES: readonly RowStatus[] = [
  'pending',
  'sending',
  'ok',
  'stopped',
  'failed',
  'invalid',
  'skipped',
];
export const FILE_STATUSES: readonly FileStatus[] = ['reading', 'sending', 'done', 'unreadable'];
export const FORMATS: readonly FileRecord['format'][] = ['csv', 'xlsx'];
