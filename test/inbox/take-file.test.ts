import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxFile } from '../../src/inbox/listing.ts';
import { takeFile } from '../../src/inbox/take-file.ts';
import { Ledger } from '../../src/ledger/ledger.ts';

let dir: string;
let ledger: Ledger;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'take-file-'));
  for (const folder of ['inbox', 'archive', 'state']) mkdirSync(join(dir, folder));
  ledger = Ledger.open(join(dir, 'state'));
});
afterEach(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An entry the listing saw as a file, since swapped for something else (as a copy tool or a person might). */
const seen = (name: string): InboxFile => ({
  path: join(dir, 'inbox', name),
  name,
  owner: '',
  size: 10,
  mtimeMs: 0,
});
const places = () => ({ archive: join(dir, 'archive'), state: join(dir, 'state') });

describe('takeFile, for an entry swapped since the listing', () => {
  it('never waits on a FIFO: it is left where it is, and nothing is recorded', async () => {
    execFileSync('mkfifo', [join(dir, 'inbox', 'rør.csv')]);
    const taken = await takeFile(ledger, places(), seen('rør.csv'), { restMs: 0 });
    expect(taken).toEqual({ left: expect.stringMatching(/not a regular file/), attention: false });
    expect(existsSync(join(dir, 'inbox', 'rør.csv'))).toBe(true);
    expect(ledger.unfinishedFiles()).toEqual([]);
  });

  it('never follows a symbolic link', async () => {
    writeFileSync(join(dir, 'elsewhere.csv'), 'Kjennemerke;Handling\r\n');
    symlinkSync(join(dir, 'elsewhere.csv'), join(dir, 'inbox', 'lenke.csv'));
    const taken = await takeFile(ledger, places(), seen('lenke.csv'), { restMs: 0 });
    expect(taken).toEqual({ left: expect.stringMatching(/symbolic link/), attention: false });
    expect(readdirSync(join(dir, 'archive'))).toEqual([]);
  });

  it('says nothing needs doing for a file gone since the listing', async () => {
    const taken = await takeFile(ledger, places(), seen('borte.csv'), { restMs: 0 });
    expect(taken).toEqual({ left: 'is gone from the inbox', attention: false });
  });

  it('takes a regular file into the archive', async () => {
    writeFileSync(join(dir, 'inbox', 'mars.csv'), 'Kjennemerke;Handling\r\n');
    const taken = await takeFile(ledger, places(), seen('mars.csv'), { restMs: 0 });
    expect(taken).toHaveProperty('fileId');
    expect(readdirSync(join(dir, 'inbox'))).toEqual([]);
  });
});
