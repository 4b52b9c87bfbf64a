// Issue 13.8: what a run killed at an awkward moment leaves behind holds personal data. Every temporary file is
// the owner's alone from its creation, and the next run removes the job's own leftovers (and nothing else).

import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { claimFile } from '../../src/inbox/claim-file.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import {
  apiCalls,
  archivedInputs,
  callKey,
  createInstallation,
  dropFleet,
  filesUnder,
  type Installation,
  notPrivate,
  planSingles,
  summariesByFile,
} from '../support/installation.ts';

describe('leftovers of a killed run', () => {
  let install: Installation | undefined;
  const cleanup: string[] = [];
  afterEach(async () => {
    await install?.close();
    install = undefined;
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the report temp files private, and the next run removes them and the locks', async () => {
    install = await createInstallation();
    const reports = install.reports;
    dropFleet(install.inbox, 'stor.csv', planSingles(20_000, 100_000));
    const running = install.start({ LEASINGTAKER_CONCURRENCY: '16' });
    // Killed while the reports are being written: the moment a temp file appears.
    let seen: string[] = [];
    while (running.running()) {
      seen = (existsSync(reports) ? readdirSync(reports) : []).filter((name) => name.endsWith('.tmp'));
      if (seen.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    running.child.kill('SIGKILL');
    await running.result;
    expect(seen.length, 'the run ended before it wrote a report').toBeGreaterThan(0);
    const left = readdirSync(reports).filter((name) => name.startsWith('.'));
    expect(left.some((name) => name.endsWith('.lock'))).toBe(true);
    expect(notPrivate(left.map((name) => join(reports, name)))).toEqual([]);

    // Somebody else's hidden files are not ours to remove.
    writeFileSync(join(reports, '.gitkeep'), '');
    writeFileSync(join(reports, '.notes.tmp'), '');
    const result = await install.run();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(
      readdirSync(reports)
        .filter((name) => name.startsWith('.'))
        .sort(),
    ).toEqual(['.gitkeep', '.notes.tmp']);
  }, 90_000);

  it('copies across volumes into a .part file that is private from its creation, and removes a leftover one', async () => {
    // /dev/shm is another file system than the temp folder: the archive there makes the move a copy.
    install = await createInstallation();
    const shm = mkdtempSync('/dev/shm/leasingtaker-archive-');
    cleanup.push(shm);
    // Its own inbox and ledger: the copy is watched in this process, not sent anywhere.
    const own = mkdtempSync(join(install.dir, 'claim-'));
    const source = join(own, 'stor.csv');
    const text = `Kjennemerke;Handling\r\n${'CU10001;OPPRETTE\r\n'.repeat(4_000_000)}`;
    writeFileSync(source, text, { mode: 0o644 });
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(source, old, old);
    const info = statSync(source);
    const ledger = Ledger.open(join(own, 'state'));
    try {
      const modes = new Set<number>();
      let copying = true;
      const watch = (async () => {
        while (copying) {
          for (const path of filesUnder(shm)) {
            const mode = statSync(path, { throwIfNoEntry: false })?.mode;
            if (path.endsWith('.part') && mode !== undefined) modes.add(mode & 0o777);
          }
          await nextTurn();
        }
      })();
      await claimFile(
        ledger,
        shm,
        { path: source, name: 'stor.csv', owner: '', size: info.size, mtimeMs: info.mtimeMs },
        {
          restMs: 60_000,
        },
      );
      copying = false;
      await watch;
      expect(modes.size, 'no .part file was seen during the copy').toBeGreaterThan(0);
      expect([...modes]).toEqual([0o600]);
      expect(notPrivate(filesUnder(shm))).toEqual([]);
    } finally {
      ledger.close();
    }

    // A half copy a killed run left in the archive (as the old code made it, 0644) goes at the next run. (A
    // first run makes the ledger: a stranger's file in the archive of an installation without one is refused.)
    expect((await install.run()).code).toBe(0);
    const day = join(install.archive, '2026-03-02');
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, '2026-03-02T09-14-05-mars.csv.part'), 'half', { mode: 0o644 });
    writeFileSync(join(day, 'notater.part.txt'), 'not ours');
    const result = await install.run();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readdirSync(day)).toEqual(['notater.part.txt']);
  }, 60_000);

  it('finishes a move killed between linking the file into the archive and removing its inbox name', async () => {
    install = await createInstallation();
    const rows = planSingles(30, 46_000);
    dropFleet(install.inbox, 'mars.csv', rows);
    // What a kill right after the link leaves: the record, and the same file under both names.
    const day = join(install.archive, '2026-12-01');
    mkdirSync(day, { recursive: true });
    const archived = join(day, '2026-12-01T09-00-00Z-mars.csv');
    linkSync(join(install.inbox, 'mars.csv'), archived);
    const ledger = Ledger.open(install.state);
    ledger.addFile({ owner: '', name: 'mars.csv', path: archived, format: 'csv', sha256: 'x', size: 1 });
    ledger.close();

    const result = await install.run();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readdirSync(install.inbox)).toEqual([]);
    expect(archivedInputs(install.archive)).toEqual([archived]);
    // Taken once: every row sent once.
    const calls = apiCalls(install.local.sim.calls).map(callKey);
    expect(calls.sort()).toEqual(rows.map((row) => row.key).sort());
    expect(summariesByFile(install.reports).get('mars.csv')).toHaveLength(1);
  }, 60_000);
});
