// `ledger restore` remembers the inputs a lost run took by their hash, streamed: an input of several GB is
// never read into memory. 2 GiB is where readFileSync refuses outright, which made such an input's rows go out
// as new ones instead of "maybe sent". Hashing 2 GiB twice (the job, then this test) takes tens of seconds.

import { createHash } from 'node:crypto';
import { createReadStream, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstallation, type Installation, runWithBackupBehind } from '../support/installation.ts';
import { startCli } from '../support/spawn-cli.ts';

describe('`ledger restore` and a big archived input (soak)', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('remembers the bytes of an archived input too big to read into memory (2 GiB) as maybe sent', async () => {
    install = await createInstallation();
    const day = await runWithBackupBehind(install);
    const big = join(day, '2026-12-01T10-00-00Z-stor.csv');
    // Sparse: 2 GiB on paper, next to no room on the disk.
    writeFileSync(big, 'Kjennemerke;Handling\n');
    truncateSync(big, 2 ** 31);
    const restore = await startCli(['ledger', 'restore'], install.env(), { cwd: install.dir }).result;
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain('stor.csv');
    const hash = createHash('sha256');
    await pipeline(createReadStream(big), hash);
    const db = new DatabaseSync(join(install.state, 'ledger.sqlite'), { readOnly: true });
    try {
      const remembered = db.prepare('SELECT sha256 FROM maybe_sent_inputs').all();
      expect(remembered.map((row) => row.sha256)).toContain(hash.digest('hex'));
    } finally {
      db.close();
    }
  }, 180_000);
});
