// `ledger restore` of a backup older than the last run looks through the archive for the inputs that run took:
// it names them and remembers their bytes as "maybe sent". What it counts as an archived input is the archive's
// own layout (storage/archive-layout.ts): a half copy a killed copy left is none.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../support/spawn-cli.ts';
import { archivedInputs, createInstallation, dropFleet, type Installation, planSingles } from './support.ts';

describe('`ledger restore` and the archive', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  /** An installation after one run, whose backup is then marked older than the ledger (a run killed since). */
  async function behindBackup(): Promise<{ install: Installation; day: string }> {
    const made = await createInstallation();
    install = made;
    dropFleet(made.inbox, 'jan.csv', planSingles(2, 49_700));
    expect((await made.run()).code).toBe(0);
    const [archived] = archivedInputs(made.archive);
    if (!archived) throw new Error('jan.csv was not archived');
    writeFileSync(join(made.archive, '.ledger-backup.behind'), '{"since":"2026-12-01T00:00:00.000Z"}\n');
    return { install: made, day: dirname(archived) };
  }

  it('does not take the half copy of an interrupted copy for an archived input to put back', async () => {
    const { install, day } = await behindBackup();
    writeFileSync(join(day, '2026-12-01T10-00-00Z-feb.csv.part'), 'Kjennemerke;Handling\n');
    writeFileSync(join(day, '2026-12-01T10-00-01Z-mars.csv'), 'Kjennemerke;Handling\n');
    const restore = await startCli(['ledger', 'restore'], install.env(), { cwd: install.dir }).result;
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain('mars.csv');
    expect(restore.stdout).not.toContain('feb.csv');
  }, 30_000);
});
