// `ledger restore` of a backup older than the last run looks through the archive for the inputs that run took:
// it names them and remembers their bytes as "maybe sent". What it counts as an archived input is the archive's
// own layout (storage/archive-layout.ts): a half copy a killed copy left is none. (A 2 GiB input: test/soak.)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstallation, type Installation, runWithBackupBehind } from '../support/installation.ts';
import { startCli } from '../support/spawn-cli.ts';

describe('`ledger restore` and the archive', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('does not take the half copy of an interrupted copy, or a folder, for an archived input to put back', async () => {
    install = await createInstallation();
    const day = await runWithBackupBehind(install);
    writeFileSync(join(day, '2026-12-01T10-00-00Z-feb.csv.part'), 'Kjennemerke;Handling\n');
    writeFileSync(join(day, '2026-12-01T10-00-01Z-mars.csv'), 'Kjennemerke;Handling\n');
    // Nor a folder someone made in a day folder: the archive's inputs are files.
    mkdirSync(join(day, 'april.csv'));
    const restore = await startCli(['ledger', 'restore'], install.env(), { cwd: install.dir }).result;
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain('mars.csv');
    expect(restore.stdout).not.toContain('feb.csv');
    expect(restore.stdout).not.toContain('april.csv');
  }, 30_000);
});
