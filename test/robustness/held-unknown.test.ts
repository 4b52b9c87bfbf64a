// A holding copy (`.leasingtaker-held-…`, an input taken from an inbox on another volume than the archive, see
// README "Files still being written") is the only copy of that input until it is archived. When the ledger that
// knew it is replaced on purpose (`ledger new`, or `ledger restore` of a backup older than the take), the next
// run must not remove it as a leftover: no input is deleted but by retention.

import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  archivedInputs,
  createInstallation,
  dropFleet,
  type Installation,
  latestSummary,
  planSingles,
} from '../support/installation.ts';
import { startCli } from '../support/spawn-cli.ts';

describe('a holding copy the ledger no longer knows', () => {
  let install: Installation | undefined;
  const cleanup: string[] = [];
  afterEach(async () => {
    await install?.close();
    install = undefined;
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is archived, not deleted, by the run after `ledger new`, and not read again', async () => {
    install = await createInstallation();
    // /dev/shm is another file system than the temp folder: a fresh file is held in the inbox, not moved.
    const archive = mkdtempSync('/dev/shm/leasingtaker-archive-');
    cleanup.push(archive);
    const env = { LEASINGTAKER_ARCHIVE: archive };
    dropFleet(install.inbox, 'mai.csv', planSingles(5, 46_000));
    const first = await install.run(env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const [held] = readdirSync(install.inbox);
    expect(held).toMatch(/^\.leasingtaker-held-[0-9a-f]{8}-mai\.csv$/);
    const bytes = readFileSync(join(install.inbox, held as string));

    const fresh = await startCli(['ledger', 'new'], install.env(env), { cwd: install.dir }).result;
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    const calls = apiCalls(install.local.sim.calls).length;
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);

    const archived = archivedInputs(archive);
    expect(archived).toHaveLength(1);
    expect(readFileSync(archived[0] as string)).toEqual(bytes);
    expect(readdirSync(install.inbox)).toEqual([]);
    // Started afresh on purpose: files in the archive are not read again; the log says where it went.
    expect(apiCalls(install.local.sim.calls)).toHaveLength(calls);
    expect(next.stdout).toContain('mai.csv');
    expect(next.stdout).toContain('put it back in the inbox');
    // And the runs after it go on: the ledger's guard does not take the archived stray for a lost memory.
    const later = await install.run(env);
    expect(later.code, later.stdout + later.stderr).toBe(0);
    // Put back as the warning says: the rows the forgotten run sent count as done on "already registered".
    copyFileSync(archived[0] as string, join(install.inbox, 'mai.csv'));
    const putBack = await install.run(env);
    expect(putBack.code, putBack.stdout + putBack.stderr).toBe(0);
    expect(latestSummary(install.reports, 'mai.csv')).toMatchObject({ rows: 5, ok: 4, stopped: 1 });
  }, 60_000);

  it('is removed when its move had finished (the archive holds its bytes), and not archived twice', async () => {
    install = await createInstallation();
    const archive = mkdtempSync('/dev/shm/leasingtaker-archive-');
    cleanup.push(archive);
    const env = { LEASINGTAKER_ARCHIVE: archive };
    dropFleet(install.inbox, 'mai.csv', planSingles(5, 47_000));
    expect((await install.run(env)).code).toBe(0);
    const [held] = readdirSync(install.inbox);
    const heldPath = join(install.inbox, held as string);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(heldPath, anHourAgo, anHourAgo);
    const bytes = readFileSync(heldPath);
    // The first run after the change reads it again; the one after finds it at rest and archives it.
    expect((await install.run(env)).code).toBe(0);
    expect((await install.run(env)).code).toBe(0);
    expect(archivedInputs(archive)).toHaveLength(1);
    // As a run killed between pointing the record at the archive and removing the holding copy leaves it.
    writeFileSync(heldPath, bytes, { mode: 0o600 });
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(readdirSync(install.inbox)).toEqual([]);
    expect(archivedInputs(archive)).toHaveLength(1);
  }, 60_000);

  it('a lost state folder after a first run killed while its file was held: refused, not a fresh start', async () => {
    // The file is held in the inbox, so the archive has no input and no backup yet: only the run's mark that
    // the backup is behind says a ledger existed and changed.
    install = await createInstallation({ faults: { latencyMs: 100 } });
    const archive = mkdtempSync('/dev/shm/leasingtaker-archive-');
    cleanup.push(archive);
    const env = { LEASINGTAKER_ARCHIVE: archive, LEASINGTAKER_CONCURRENCY: '1' };
    dropFleet(install.inbox, 'mai.csv', planSingles(40, 48_000));
    const child = install.start(env);
    while (child.running() && apiCalls(install.local.sim.calls).length === 0) await sleep(5);
    child.child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    expect(readdirSync(install.inbox)[0]).toMatch(/^\.leasingtaker-held-/);

    rmSync(install.state, { recursive: true, force: true });
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(2);
    expect(next.stdout + next.stderr).toContain('ledger new');
    expect(next.stdout).not.toContain('Nothing to do');
    expect(readdirSync(install.inbox)[0]).toMatch(/^\.leasingtaker-held-/);
  }, 60_000);
});
