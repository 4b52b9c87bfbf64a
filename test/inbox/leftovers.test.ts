import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeLeftovers } from '../../src/inbox/leftovers.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { createLogger } from '../../src/log.ts';

describe('leftovers in folders the run never takes from', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'leftovers-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("leaves a holding copy's name alone in a folder of nine digits that fail mod-11: no run took it there", async () => {
    const places = {
      inbox: join(root, 'inbox'),
      reports: join(root, 'reports'),
      archive: join(root, 'archive'),
    };
    const folder = join(places.inbox, '123456789');
    mkdirSync(folder, { recursive: true });
    const name = '.leasingtaker-held-1234abcd-mars.csv';
    writeFileSync(join(folder, name), 'Kjennemerke\n');
    const ledger = Ledger.open(join(root, 'state'));
    try {
      await removeLeftovers(places, ledger, await createLogger({ level: 'silent' }));
    } finally {
      ledger.close();
    }
    expect(readdirSync(folder)).toEqual([name]);
    expect(existsSync(places.archive)).toBe(false);
  });
});
