import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHostileFiles } from '../support/hostile-files.ts';
import {
  createInstallation,
  dropFleet,
  filesUnder,
  findSecrets,
  type Installation,
  latestSummary,
  notPrivate,
  planFleet,
} from '../support/installation.ts';

// The peak resident set of the run, whose heap the launcher bounds to 160 MB (old space) + 2 x 16 MB (semi
// spaces): what is left is code, node:sqlite's page cache and buffers. Loose on purpose: the point is that a
// gigabyte sheet or a million texts don't get read into memory, which would take the process far past it (or
// kill it with an out-of-memory abort).
const MAX_RSS_KB = 300 * 1024;

describe('bad input never stops the others', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  it('processes the good file, and moves each bad one aside with a summary saying what is wrong', async () => {
    const good = planFleet(200, 40_000);
    dropFleet(install.inbox, 'god.csv', good);
    const hostile = await writeHostileFiles(install.inbox, { bombMegabytes: 1024 });
    const maxRssFile = join(install.dir, 'maxrss');

    const result = await install.run({ LEASINGTAKER_TEST_MAXRSS_FILE: maxRssFile });

    // Exit 1: files that could not be read need a person. Not a crash: no signal, no stack trace.
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const maxRssKb = Number(readFileSync(maxRssFile, 'utf8'));
    expect(maxRssKb).toBeGreaterThan(0);
    expect(maxRssKb).toBeLessThan(MAX_RSS_KB);

    // The good file went through in full.
    const count = (expected: string) => good.filter((row) => row.expected === expected).length;
    expect(latestSummary(install.reports, 'god.csv')).toMatchObject({
      rows: good.length,
      ok: count('ok'),
      stopped: count('stopped'),
      invalid: count('invalid'),
      failed: 0,
    });

    // Every bad file: archived (never deleted), with a summary whose error speaks to staff, not to developers.
    expect(readdirSync(install.inbox)).toEqual([]);
    const archived = filesUnder(install.archive).map((path) => path.split('/').at(-1) ?? '');
    for (const { name, says } of hostile) {
      expect(
        archived.some((archivedName) => archivedName.endsWith(`-${name}`)),
        name,
      ).toBe(true);
      const summary = latestSummary(install.reports, name);
      expect(summary?.error, name).toMatch(says);
      expect(summary?.error, name).not.toMatch(/Error|undefined|ENOENT|EACCES|\bat \w+ \(|\/tmp\//);
      expect(summary?.rows, name).toBeGreaterThanOrEqual(0);
    }
    // Every file has its report, and every report is the owner's alone.
    expect(filesUnder(install.reports).filter((p) => p.endsWith('.summary.json'))).toHaveLength(
      hostile.length + 1,
    );
    expect(notPrivate([...filesUnder(install.reports), ...filesUnder(install.state)])).toEqual([]);
    expect(
      findSecrets(install.output(), {
        fnrs: [...good.map((row) => row.fnr), '63888700414'],
        tokens: install.local.sim.issuedTokens(),
        keyFile: install.local.env.MASKINPORTEN_KEY_FILE,
      }),
    ).toEqual([]);
  }, 90_000);
});
