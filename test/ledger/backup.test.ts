import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  moveLedgerAside,
  removeOldAsideLedgers,
  restoreBackup,
  writeBackup,
} from '../../src/ledger/backup.ts';
import { Ledger } from '../../src/ledger/ledger.ts';

describe('the ledger backup', () => {
  let dir: string;
  let state: string;
  let archive: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-backup-'));
    state = join(dir, 'state');
    archive = join(dir, 'archive');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const fileCount = (path: string) => {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('is a private, checked copy in rollback mode that a restore puts back, keeping the old ledger aside', () => {
    const ledger = Ledger.open(state);
    ledger.addFile({ owner: '', name: 'mars.csv', path: '/a/mars.csv', format: 'csv', sha256: 'x', size: 1 });
    ledger.close();
    const db = new DatabaseSync(join(state, 'ledger.sqlite'));
    mkdirSync(archive, { recursive: true });
    writeBackup(db, state, archive);
    db.close();
    const backup = join(archive, '.ledger-backup.sqlite');
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(fileCount(backup)).toBe(1);
    // Reading it made no -wal or -shm beside it, and nothing temporary is left anywhere.
    expect(readdirSync(archive)).toEqual(['.ledger-backup.sqlite']);
    expect(readdirSync(state).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    writeFileSync(join(state, 'ledger.sqlite'), 'garbage');
    writeFileSync(
      join(state, 'ledger.sqlite-wal'),
      'a WAL of the old ledger, never to be replayed into the backup',
    );
    const aside = restoreBackup(state, archive, true);
    expect(aside).toMatch(/ledger\.sqlite\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/);
    expect(existsSync(`${aside}-wal`)).toBe(true);
    expect(existsSync(join(state, 'ledger.sqlite-wal'))).toBe(false);
    expect(fileCount(join(state, 'ledger.sqlite'))).toBe(1);
    expect(statSync(join(state, 'ledger.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('never puts a ledger aside over one put aside before', () => {
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'ledger.sqlite'), 'first');
    const first = moveLedgerAside(state, false);
    writeFileSync(join(state, 'ledger.sqlite'), 'second');
    const second = moveLedgerAside(state, false);
    expect(first).not.toBe(second);
    expect(readdirSync(state).filter((name) => name.startsWith('ledger.sqlite.aside-'))).toHaveLength(2);
  });

  it('removes ledgers kept aside once they are older than the retention period, by the time in their name', () => {
    mkdirSync(state, { recursive: true });
    for (const name of [
      'ledger.sqlite.damaged-2026-01-01T10-00-00',
      'ledger.sqlite.damaged-2026-01-01T10-00-00-wal',
      'ledger.sqlite.aside-2026-01-01T10-00-00-2',
      'ledger.sqlite.aside-2026-03-20T10-00-00',
      'ledger.sqlite',
      'notes-2026-01-01T10-00-00',
    ])
      writeFileSync(join(state, name), 'x');
    const removed = removeOldAsideLedgers(state, 90, new Date('2026-04-15T00:00:00Z'));
    expect(removed.sort()).toEqual([
      'ledger.sqlite.aside-2026-01-01T10-00-00-2',
      'ledger.sqlite.damaged-2026-01-01T10-00-00',
      'ledger.sqlite.damaged-2026-01-01T10-00-00-wal',
    ]);
    expect(readdirSync(state).sort()).toEqual([
      'ledger.sqlite',
      'ledger.sqlite.aside-2026-03-20T10-00-00',
      'notes-2026-01-01T10-00-00',
    ]);
  });
});
