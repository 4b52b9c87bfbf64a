// The transaction helper the ledger's parts share: all or nothing, nested calls join the outer transaction, the
// error that says what went wrong is the one thrown, and a durable write leaves the connection as it found it.

import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Transactions } from '../../src/ledger/transactions.ts';

let db: DatabaseSync;
let tx: Transactions;
beforeEach(() => {
  db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t (n INTEGER)');
  db.exec('PRAGMA synchronous = NORMAL');
  tx = new Transactions(db);
});
afterEach(() => db.close());

const insert = (n: number) => db.prepare('INSERT INTO t (n) VALUES (?)').run(n);
const values = () =>
  db
    .prepare('SELECT n FROM t ORDER BY n')
    .all()
    .map((row) => row.n);

describe('Transactions', () => {
  it('commits the work and returns its result', () => {
    const result = tx.run(() => {
      insert(1);
      return 'done';
    });
    expect(result).toBe('done');
    expect(values()).toEqual([1]);
    expect(db.isTransaction).toBe(false);
  });

  it('rolls everything back when the work throws, and rethrows', () => {
    expect(() =>
      tx.run(() => {
        insert(1);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(values()).toEqual([]);
  });

  it('joins a nested call to the outer transaction: a failure after it undoes both', () => {
    expect(() =>
      tx.run(() => {
        insert(1);
        tx.run(() => insert(2));
        tx.durably(() => insert(3));
        throw new Error('later');
      }),
    ).toThrow('later');
    expect(values()).toEqual([]);
  });

  it('throws the work’s own error when SQLite has already rolled back (no “no transaction is active”)', () => {
    expect(() =>
      tx.run(() => {
        insert(1);
        db.exec('ROLLBACK');
        throw new Error('the real reason');
      }),
    ).toThrow('the real reason');
    // And the helper is usable again afterwards.
    tx.run(() => insert(2));
    expect(values()).toEqual([2]);
  });

  it('writes durably with synchronous=FULL and leaves NORMAL behind, also when the work fails', () => {
    const synchronous = () => db.prepare('PRAGMA synchronous').get()?.synchronous;
    let during: unknown;
    tx.durably(() => {
      during = synchronous();
      insert(1);
    });
    expect(during).toBe(2); // FULL
    expect(synchronous()).toBe(1); // NORMAL
    expect(() =>
      tx.durably(() => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(synchronous()).toBe(1);
    expect(values()).toEqual([1]);
  });
});
