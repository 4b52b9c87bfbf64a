// `ledger restore` of a backup older than the last run lists the archived files that run took and tells the
// operator to put them back in the inbox to send their rows. Some of those rows went through in the killed run:
// sent again, the API answers "already registered". The register holds what the rows ask, so they must count as
// done (maybe sent, issue 13.2), not land in Stoppet and the retry file.

import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
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

describe('files put back after restoring an older backup', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('count "already registered" as done for the rows the killed run had sent', async () => {
    install = await createInstallation({ faults: { latencyMs: 20 } });
    const env = { LEASINGTAKER_CONCURRENCY: '1' };
    dropFleet(install.inbox, 'jan.csv', planSingles(3, 49_000));
    expect((await install.run(env)).code).toBe(0);

    const rows = planSingles(60, 49_100);
    dropFleet(install.inbox, 'feb.csv', rows);
    const child = install.start(env);
    while (child.running() && apiCalls(install.local.sim.calls).filter((c) => c.result === 'ok').length < 15)
      await sleep(5);
    child.child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    await sleep(200);

    const restore = await startCli(['ledger', 'restore'], install.env(env), { cwd: install.dir }).result;
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain('put them back in the inbox');
    const archived = archivedInputs(install.archive).find((path) => path.endsWith('-feb.csv'));
    if (!archived) throw new Error(`feb.csv not archived: ${readdirSync(install.archive)}`);
    copyFileSync(archived, join(install.inbox, 'feb.csv'));

    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const stopped = rows.filter((row) => row.expected === 'stopped').length;
    expect(latestSummary(install.reports, basename('feb.csv'))).toMatchObject({
      rows: 60,
      ok: 60 - stopped,
      stopped,
      failed: 0,
    });
  }, 60_000);

  it('`ledger keep` after a lost WAL names the files the lost changes took, and their rows count as maybe sent', async () => {
    install = await createInstallation({ faults: { latencyMs: 20 } });
    const env = { LEASINGTAKER_CONCURRENCY: '1' };
    dropFleet(install.inbox, 'jan.csv', planSingles(3, 49_300));
    expect((await install.run(env)).code).toBe(0);
    const rows = planSingles(60, 49_400);
    dropFleet(install.inbox, 'feb.csv', rows);
    const child = install.start(env);
    const okCalls = () => apiCalls(install?.local.sim.calls ?? []).filter((c) => c.result === 'ok').length;
    const before = okCalls();
    while (child.running() && okCalls() < before + 15) await sleep(5);
    child.child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    await sleep(200);
    rmSync(join(install.state, 'ledger.sqlite-wal'), { force: true });
    rmSync(join(install.state, 'ledger.sqlite-shm'), { force: true });
    expect((await install.run(env)).code).toBe(2);

    const keep = await startCli(['ledger', 'keep'], install.env(env), { cwd: install.dir }).result;
    expect(keep.code, keep.stdout + keep.stderr).toBe(0);
    expect(keep.stdout).toContain('feb.csv');
    expect(keep.stdout).toContain('put them back in the inbox');
    const archived = archivedInputs(install.archive).find((path) => path.endsWith('-feb.csv'));
    if (!archived) throw new Error('feb.csv not archived');
    copyFileSync(archived, join(install.inbox, 'feb.csv'));
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const stopped = rows.filter((row) => row.expected === 'stopped').length;
    expect(latestSummary(install.reports, 'feb.csv')).toMatchObject({ rows: 60, ok: 60 - stopped, stopped });
  }, 60_000);
});
