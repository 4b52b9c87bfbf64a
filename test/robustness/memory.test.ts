import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  callKey,
  createInstallation,
  dropFleet,
  type Installation,
  latestSummary,
  ledgerIntegrity,
  notPrivate,
  type PlannedRow,
  planSingles,
} from '../support/installation.ts';
import { type CliResult, spawnCli } from '../support/spawn-cli.ts';

// The ledger is the job's memory: 300 rows wait for a retry (the API was down), then the state folder is lost
// or damaged in the ways volumes are. The next run must notice, and either restore the job's own backup (and say
// so) or refuse with exit 2 and what to do; never "nothing to do".

const BACKUP = '.ledger-backup.sqlite';
const env = { LEASINGTAKER_MAX_ATTEMPTS: '1', LEASINGTAKER_CONCURRENCY: '4' };
const STACK = /\n\s+at .*\.(ts|js):\d+/;

describe('a lost or damaged ledger is noticed', () => {
  let install: Installation;
  let rows: PlannedRow[];
  const ledger = () => join(install.state, 'ledger.sqlite');
  const calls = () => apiCalls(install.local.sim.calls).length;
  /** The sequence number of the latest call so far. */
  const lastSeq = () => Math.max(0, ...install.local.sim.calls.map((call) => call.seq));
  const ledgerCommand = (action: string): Promise<CliResult> =>
    spawnCli(['ledger', action], install.env(), { cwd: install.dir });

  /** 300 rows in the ledger waiting for a retry: the API was down during the run. */
  async function rowsWaitingForRetry(): Promise<void> {
    rows = planSingles(300, 70_000);
    dropFleet(install.inbox, 'nede.csv', rows);
    install.local.sim.faults.down = true;
    const first = await install.run(env);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(latestSummary(install.reports, 'nede.csv')).toMatchObject({ rows: 300, ok: 0, failed: 300 });
    install.local.sim.faults.down = false;
  }

  /** Every row has its outcome now, and the run after the damage sent each row once. */
  function expectAllRowsDone(from: number): void {
    expect(latestSummary(install.reports, 'nede.csv')).toMatchObject({
      rows: 300,
      ok: rows.filter((row) => row.expected === 'ok').length,
      stopped: rows.filter((row) => row.expected === 'stopped').length,
      failed: 0,
    });
    // By sequence number: the simulator logs a 503 of the API-down run as it answers, which may be late.
    const sent = apiCalls(install.local.sim.calls).filter((call) => call.seq > from);
    expect(sent.map(callKey).sort()).toEqual(rows.map((row) => row.key).sort());
  }

  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  const damages: [string, () => void][] = [
    [
      'the state folder emptied (a volume lost or recreated)',
      () => rmSync(install.state, { recursive: true }),
    ],
    ['the ledger cut to 0 bytes', () => truncateSync(ledger(), 0)],
    ['garbage in the ledger', () => writeFileSync(ledger(), Buffer.alloc(64 * 1024, 'garbage!'))],
    [
      'the ledger damaged inside (pages overwritten)',
      () => {
        // The header stays (so it opens); pages in the middle are overwritten: only a check of the pages sees it.
        const bytes = readFileSync(ledger());
        bytes.fill(
          0x5a,
          Math.floor(bytes.length / 2 / 4096) * 4096,
          Math.floor(bytes.length / 2 / 4096) * 4096 + 16384,
        );
        writeFileSync(ledger(), bytes);
      },
    ],
  ];

  for (const [what, damage] of damages) {
    it(`${what}: the next run restores its backup, says so, and retries the 300 rows`, async () => {
      await rowsWaitingForRetry();
      expect(existsSync(join(install.archive, BACKUP))).toBe(true);
      damage();
      const before = lastSeq();
      const next = await install.run(env);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(next.stdout).toMatch(/Restored the ledger from the backup/);
      expect(next.stdout).not.toMatch(/Nothing to do/);
      expect(`${next.stdout}${next.stderr}`).not.toMatch(STACK);
      expectAllRowsDone(before);
      expect(ledgerIntegrity(install.state)).toBe('ok');
    }, 60_000);
  }

  it('the backup follows every run that changes the ledger: lost after the retries went through, nothing goes again', async () => {
    await rowsWaitingForRetry();
    const retried = await install.run(env);
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    // A run with nothing to do changes nothing, and leaves the backup as it was.
    const backup = join(install.archive, BACKUP);
    const written = statSync(backup).mtimeMs;
    expect((await install.run(env)).stdout).toMatch(/Nothing to do/);
    expect(statSync(backup).mtimeMs).toBe(written);

    rmSync(install.state, { recursive: true });
    const before = lastSeq();
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toMatch(/Restored the ledger from the backup/);
    expect(next.stdout).toMatch(/Nothing to do/);
    expect(apiCalls(install.local.sim.calls).filter((call) => call.seq > before)).toEqual([]);
  }, 60_000);

  it('without a backup either, the run refuses with exit 2 and what to do; `ledger new` starts afresh on purpose', async () => {
    await rowsWaitingForRetry();
    rmSync(install.state, { recursive: true });
    rmSync(join(install.archive, BACKUP));
    const before = calls();
    const refused = await install.run(env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/memory/i);
    expect(refused.stdout).toMatch(/leasingtaker ledger new/);
    expect(refused.stdout).not.toMatch(/Nothing to do/);
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(STACK);
    expect(calls()).toBe(before);
    // It keeps refusing until someone decides, instead of forgetting after one try.
    expect((await install.run(env)).code).toBe(2);

    const reset = await ledgerCommand('new');
    expect(reset.code, reset.stdout + reset.stderr).toBe(0);
    const afresh = await install.run(env);
    expect(afresh.code, afresh.stdout + afresh.stderr).toBe(0);
    expect(afresh.stdout).toMatch(/Nothing to do/);
    expect(calls()).toBe(before);
  }, 60_000);

  it('garbage in the ledger without a backup: exit 2 and a message, no stack trace; the garbage is kept aside by `ledger new`', async () => {
    await rowsWaitingForRetry();
    rmSync(join(install.archive, BACKUP));
    writeFileSync(ledger(), Buffer.alloc(64 * 1024, 'garbage!'));
    const refused = await install.run(env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/damaged/);
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(STACK);
    expect((await ledgerCommand('new')).code).toBe(0);
    expect(readdirSync(install.state).some((name) => name.startsWith('ledger.sqlite.damaged-'))).toBe(true);
    expect((await install.run(env)).code).toBe(0);
  }, 60_000);

  it('a backup older than the last run (killed before its backup): refused; `ledger restore` takes it, open rows go as maybe sent', async () => {
    await rowsWaitingForRetry();
    // A retry run killed halfway: its outcomes are in the ledger, not in the backup.
    const killed = install.start({ ...env, LEASINGTAKER_CONCURRENCY: '2' });
    while (apiCalls(install.local.sim.calls).length < 100) await sleep(5);
    killed.child.kill('SIGKILL');
    await killed.result;
    rmSync(install.state, { recursive: true });

    const refused = await install.run(env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/leasingtaker ledger restore/);

    const restore = await ledgerCommand('restore');
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/Restored the ledger from the backup/);
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    // Rows that went through in the killed run are sent again, answered "already so", and count as ok.
    expect(latestSummary(install.reports, 'nede.csv')).toMatchObject({
      rows: 300,
      ok: rows.filter((row) => row.expected === 'ok').length,
      stopped: rows.filter((row) => row.expected === 'stopped').length,
      failed: 0,
    });
  }, 60_000);

  it('the WAL lost after a killed run (the db kept): refused with exit 2; `ledger keep` accepts it', async () => {
    await rowsWaitingForRetry();
    const killed = install.start({ ...env, LEASINGTAKER_CONCURRENCY: '2' });
    while (apiCalls(install.local.sim.calls).length < 100) await sleep(5);
    killed.child.kill('SIGKILL');
    await killed.result;
    expect(existsSync(`${ledger()}-wal`)).toBe(true);
    rmSync(`${ledger()}-wal`);
    rmSync(`${ledger()}-shm`, { force: true });

    const refused = await install.run(env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/-wal/);
    expect(refused.stdout).toMatch(/leasingtaker ledger keep/);
    expect((await ledgerCommand('keep')).code).toBe(0);
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
  }, 60_000);

  it('history and doctor after a killed run leave the WAL to the next run, which goes on as usual', async () => {
    await rowsWaitingForRetry();
    const killed = install.start({ ...env, LEASINGTAKER_CONCURRENCY: '2' });
    while (apiCalls(install.local.sim.calls).length < 100) await sleep(5);
    killed.child.kill('SIGKILL');
    await killed.result;
    // A reader that closes the ledger last would fold the WAL into the file and delete it: the next run would
    // take that for a lost WAL.
    const history = await spawnCli(['history', rows[0]?.plate ?? ''], install.env(), { cwd: install.dir });
    expect(history.code, history.stdout + history.stderr).toBe(0);
    const doctor = await spawnCli(['doctor'], install.env(), { cwd: install.dir });
    expect(doctor.stdout).toMatch(/✓ Ledger .*integrity/);
    expect(existsSync(`${ledger()}-wal`)).toBe(true);
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(latestSummary(install.reports, 'nede.csv')).toMatchObject({ rows: 300, failed: 0 });
  }, 60_000);

  it('a damaged ledger makes history say so, not crash', async () => {
    await rowsWaitingForRetry();
    writeFileSync(ledger(), Buffer.alloc(64 * 1024, 'garbage!'));
    const history = await spawnCli(['history', 'CU70001'], install.env(), { cwd: install.dir });
    expect(history.code).toBe(2);
    expect(history.stderr).toMatch(/damaged/);
    expect(`${history.stdout}${history.stderr}`).not.toMatch(STACK);
  }, 60_000);

  it('a first run on a fresh installation just works, and leaves a private backup beside the archive', async () => {
    const fresh = planSingles(20, 71_000);
    dropFleet(install.inbox, 'ny.csv', fresh);
    const first = await install.run(env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).not.toMatch(/Restored|memory/i);
    const backup = join(install.archive, BACKUP);
    expect(notPrivate([backup])).toEqual([]);
    // Nothing left over from writing it.
    expect(readdirSync(install.archive).filter((name) => name.startsWith('.'))).toEqual([BACKUP]);
    // An empty first run on an empty installation too.
    // (The key stays: every run checks it first.)
    for (const dir of [install.inbox, install.state, install.archive, install.reports])
      rmSync(dir, { recursive: true, force: true });
    mkdirSync(install.inbox, { recursive: true });
    const empty = await install.run(env);
    expect(empty.code, empty.stdout + empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/Nothing to do/);
  }, 60_000);

  it('a half-written backup left by a kill does not replace the good one', async () => {
    await rowsWaitingForRetry();
    // What a kill during the copy leaves: a temporary file, cut short, beside the real backup.
    writeFileSync(join(install.archive, `${BACKUP}.12345.tmp`), Buffer.alloc(4096, 1));
    rmSync(install.state, { recursive: true });
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toMatch(/Restored the ledger from the backup/);
    expect(existsSync(join(install.archive, `${BACKUP}.12345.tmp`))).toBe(false);
  }, 60_000);

  it('a backup that cannot be written is logged, keeps the old one marked behind, and the run exits 1', async () => {
    dropFleet(install.inbox, 'ny.csv', planSingles(10, 73_000));
    // Something in the way of the backup's name (what a full or read-only archive does to the rename).
    mkdirSync(join(install.archive, BACKUP), { recursive: true });
    const run = await install.run(env);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/backup beside the archive .* could not be written/);
    expect(existsSync(join(install.archive, '.ledger-backup.behind'))).toBe(true);
    expect(readdirSync(install.archive).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(install.state).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('a damaged backup is not restored: the run refuses and says so', async () => {
    await rowsWaitingForRetry();
    writeFileSync(join(install.archive, BACKUP), Buffer.alloc(64 * 1024, 'garbage!'));
    rmSync(install.state, { recursive: true });
    const refused = await install.run(env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/backup could not be restored/);
    expect(refused.stdout).toMatch(/leasingtaker ledger new/);
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(STACK);
  }, 60_000);

  it('a ledger another program holds locked is reported as such, not taken for damage and replaced', async () => {
    await rowsWaitingForRetry();
    const other = new DatabaseSync(ledger());
    other.exec('BEGIN EXCLUSIVE');
    try {
      const blocked = await install.run(env);
      expect(blocked.code, blocked.stdout + blocked.stderr).toBe(2);
      expect(blocked.stdout).toMatch(/database is locked/);
      expect(blocked.stdout).not.toMatch(/Restored/);
      expect(`${blocked.stdout}${blocked.stderr}`).not.toMatch(STACK);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(readdirSync(install.state).filter((name) => name.includes('damaged'))).toEqual([]);
    const next = await install.run(env);
    expect(next.code, next.stdout + next.stderr).toBe(0);
  }, 60_000);

  it('garbage in the run lock file, or a state folder that cannot be used: a clear message, no stack trace', async () => {
    dropFleet(install.inbox, 'ny.csv', planSingles(10, 72_000));
    mkdirSync(install.state, { recursive: true });
    writeFileSync(join(install.state, 'run.lock.sqlite'), Buffer.alloc(8192, 'garbage!'));
    const locked = await install.run(env);
    expect(locked.code, locked.stdout + locked.stderr).toBe(0);

    rmSync(install.state, { recursive: true });
    writeFileSync(install.state, 'not a folder');
    const blocked = await install.run(env);
    expect(blocked.code, blocked.stdout + blocked.stderr).toBe(2);
    expect(blocked.stdout).toMatch(/state folder/i);
    expect(`${blocked.stdout}${blocked.stderr}`).not.toMatch(STACK);
  }, 60_000);

  it('doctor checks the ledger: its integrity and its backup', async () => {
    await rowsWaitingForRetry();
    const healthy = await spawnCli(['doctor'], install.env(), { cwd: install.dir });
    expect(healthy.stdout).toMatch(/✓ Ledger .*integrity/);
    expect(healthy.stdout).toMatch(/✓ Ledger backup/);
    writeFileSync(ledger(), Buffer.alloc(64 * 1024, 'garbage!'));
    const damaged = await spawnCli(['doctor'], install.env(), { cwd: install.dir });
    expect(damaged.code).toBe(2);
    expect(damaged.stdout).toMatch(/✗ Ledger .*damaged/);
  }, 60_000);
});
