// A ledger in a fresh temporary state folder for each test, opened the way the job opens it (`Ledger.open`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Ledger, type NewFile } from '../../src/ledger/ledger.ts';

export interface TempLedger {
  readonly dir: string;
  readonly ledger: Ledger;
  /** Records a csv file of that name (owner '' unless given), as the inbox would; returns its id. */
  addFile(name: string, owner?: string, changes?: Partial<NewFile>): number;
}

/** Call at the top of a test file; read `.ledger` inside the tests. */
export function useTempLedger(): TempLedger {
  let dir = '';
  let ledger: Ledger | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leasingtaker-ledger-'));
    ledger = Ledger.open(dir);
  });
  afterEach(() => {
    ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (): Ledger => {
    if (!ledger) throw new Error('useTempLedger: read .ledger inside a test');
    return ledger;
  };
  return {
    get dir() {
      return dir;
    },
    get ledger() {
      return open();
    },
    addFile: (name, owner = '', changes = {}) =>
      open().addFile({
        owner,
        name,
        path: `/arkiv/${name}`,
        format: 'csv',
        sha256: name,
        size: 1,
        ...changes,
      }),
  };
}
