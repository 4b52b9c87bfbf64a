// The look at the ledger before a run: what a killed run left must read as intact however often it is looked at.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectMemory } from '../../src/ledger/inspect.ts';
import { Ledger } from '../../src/ledger/ledger.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leasingtaker-inspect-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A run that set its open mark and wrote, then was killed (SIGKILL: nothing closed, the WAL stays). */
function killedRun(state: string): void {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(${JSON.stringify(join(state, 'ledger.sqlite'))});
    db.exec("INSERT INTO meta (key, value) VALUES ('run_open', '1') ON CONFLICT (key) DO UPDATE SET value = '1'");
    db.exec('PRAGMA wal_checkpoint(FULL)');
    db.exec("INSERT INTO meta (key, value) VALUES ('written', 'after the mark')");
    process.kill(process.pid, 'SIGKILL');`;
  spawnSync(process.execPath, ['-e', script]);
}

describe('inspectMemory after a killed run', () => {
  it('finds the WAL intact, and still does after a look that folded it in (a run killed before its own mark)', () => {
    const state = join(dir, 'state');
    Ledger.open(state).close();
    killedRun(state);
    expect(statSync(join(state, 'ledger.sqlite-wal')).size).toBeGreaterThan(0);

    expect(inspectMemory(state, join(dir, 'archive')).walLost).toBe(false);
    // That look was the last connection: it folded the WAL into the ledger and removed it.
    expect(existsSync(join(state, 'ledger.sqlite-wal'))).toBe(false);
    // The next run (the one above killed before it set its own mark) finds nothing lost.
    expect(inspectMemory(state, join(dir, 'archive')).walLost).toBe(false);
  });

  it('still says the WAL is lost when it went without being folded in', () => {
    const state = join(dir, 'state');
    Ledger.open(state).close();
    killedRun(state);
    rmSync(join(state, 'ledger.sqlite-wal'));
    rmSync(join(state, 'ledger.sqlite-shm'), { force: true });
    // The mark itself was checkpointed into the ledger file: it survives losing the WAL it is about.
    expect(inspectMemory(state, join(dir, 'archive')).walLost).toBe(true);
  });
});
