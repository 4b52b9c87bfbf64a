import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeHostileFiles, zipBomb } from '../support/hostile-files.ts';
import {
  createInstallation,
  dropFleet,
  type Installation,
  latestSummary,
  planFleet,
} from '../support/installation.ts';

// The CI test's hostile inbox plus the slow ones: a million shared strings, and a 400 MB text that fits the
// sheet's size bound (so it is streamed, and stopped by the guard on its length).
describe('bad input never stops the others (soak)', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
  });

  it('processes the good files among every bad one, in bounded memory', async () => {
    install = await createInstallation();
    const good = [planFleet(2000, 40_000), planFleet(2000, 42_000)];
    dropFleet(install.inbox, 'god-1.csv', good[0] ?? []);
    const hostile = await writeHostileFiles(install.inbox, { bombMegabytes: 2000, manyTexts: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(install.inbox, 'lang-tekst.xlsx'), zipBomb(400));
    dropFleet(install.inbox, 'god-2.csv', good[1] ?? []);
    const maxRssFile = join(install.dir, 'maxrss');
    const result = await install.run({ LEASINGTAKER_TEST_MAXRSS_FILE: maxRssFile });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    const maxRssKb = Number(readFileSync(maxRssFile, 'utf8'));
    console.log(`bad-input soak: peak RSS ${Math.round(maxRssKb / 1024)} MB`);
    expect(maxRssKb).toBeLessThan(300 * 1024);
    for (const [i, rows] of good.entries()) {
      expect(latestSummary(install.reports, `god-${i + 1}.csv`)).toMatchObject({
        rows: rows.length,
        failed: 0,
      });
    }
    for (const { name, says } of [...hostile, { name: 'lang-tekst.xlsx', says: /for stor til å leses/ }]) {
      expect(latestSummary(install.reports, name)?.error, name).toMatch(says);
    }
  });
});
