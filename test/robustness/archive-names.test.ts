// Issue 13.7: two different files of one name taken in the same second, or in the hour that repeats when clocks
// fall back, must each keep their own archived copy; the ledger's path of each names its own bytes.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimFile } from '../../src/inbox/claim-file.ts';
import type { InboxFile } from '../../src/inbox/listing.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { filesUnder } from '../support/installation.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('archive names', () => {
  let dir: string;
  let inbox: string;
  let archive: string;
  let ledger: Ledger;
  const savedTz = process.env.TZ;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leasingtaker-archive-names-'));
    inbox = join(dir, 'inbox');
    archive = join(dir, 'archive');
    mkdirSync(inbox);
    ledger = Ledger.open(join(dir, 'state'));
  });
  afterEach(() => {
    ledger.close();
    process.env.TZ = savedTz;
    rmSync(dir, { recursive: true, force: true });
  });

  const drop = (text: string): InboxFile => {
    const path = join(inbox, 'mars.csv');
    writeFileSync(path, text);
    const info = statSync(path);
    return { path, name: 'mars.csv', owner: '', size: info.size, mtimeMs: info.mtimeMs };
  };

  const takeBoth = async (first: Date, second: Date) => {
    await claimFile(ledger, archive, drop('Kjennemerke;Handling\r\nCU10001;OPPRETTE\r\n'), {
      restMs: 0,
      now: first,
    });
    await claimFile(ledger, archive, drop('Kjennemerke;Handling\r\nCU20002;AVSLUTTE\r\n'), {
      restMs: 0,
      now: second,
    });
    const db = new DatabaseSync(join(dir, 'state', 'ledger.sqlite'), { readOnly: true });
    const records = db.prepare('SELECT path, sha256 FROM files ORDER BY id').all() as {
      path: string;
      sha256: string;
    }[];
    db.close();
    return records;
  };

  it('keeps both of two files of one name taken in the same second', async () => {
    const at = new Date('2026-03-02T09:14:05.123Z');
    const records = await takeBoth(at, new Date(at.getTime() + 400));
    expect(filesUnder(archive)).toHaveLength(2);
    expect(new Set(records.map((record) => record.path)).size).toBe(2);
    for (const record of records) expect(sha256(record.path)).toBe(record.sha256);
  });

  it('keeps both when clocks fall back and the local hour repeats, and names them in UTC', async () => {
    process.env.TZ = 'Europe/Oslo';
    // 02:30 local time twice: before and after the clocks go back on 25 October 2026.
    const records = await takeBoth(new Date('2026-10-25T00:30:00Z'), new Date('2026-10-25T01:30:00Z'));
    expect(filesUnder(archive)).toHaveLength(2);
    for (const record of records) expect(sha256(record.path)).toBe(record.sha256);
    expect(records.map((record) => record.path.split('/').at(-1))).toEqual([
      '2026-10-25T00-30-00Z-mars.csv',
      '2026-10-25T01-30-00Z-mars.csv',
    ]);
  });

  it('never overwrites a file already in the archive under the name it would take', async () => {
    const at = new Date('2026-03-02T09:14:05Z');
    const folder = join(archive, '2026-03-02');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '2026-03-02T09-14-05Z-mars.csv'), "somebody else's");
    await claimFile(ledger, archive, drop('Kjennemerke;Handling\r\nCU10001;OPPRETTE\r\n'), {
      restMs: 0,
      now: at,
    });
    expect(readFileSync(join(folder, '2026-03-02T09-14-05Z-mars.csv'), 'utf8')).toBe("somebody else's");
    expect(filesUnder(archive)).toHaveLength(2);
  });
});
