import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/inbox/retention.ts';
import { isLedgerBackup } from '../../src/ledger/backup.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { createLogger } from '../../src/log.ts';
import { type Harness, useHarness } from '../support/harness.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const HEADER = 'Kjennemerke;Handling;Fødselsnummer;Etternavn';
const DAY = 86_400_000;

function drop(harness: Harness, name: string, lines: string[]): void {
  mkdirSync(harness.inbox, { recursive: true });
  writeFileSync(join(harness.inbox, name), `${lines.join('\r\n')}\r\n`);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !isLedgerBackup(path))
    .sort();
}

describe('retention', () => {
  const harness = useHarness();

  it('removes old reports and archived inputs, blanks ledger personal data, and keeps counts, history and skipping', async () => {
    drop(harness, 'gammel.csv', [
      HEADER,
      `CU10001;OPPRETTE;${PERSON};Firkant`,
      `XX10001;OPPRETTE;${PERSON};Firkant`,
    ]);
    expect((await harness.run()).exitCode).toBe(0);
    // A file whose rows failed technically is still in play: its input and requests must survive retention.
    harness.local.sim.faults.down = true;
    drop(harness, 'feilet.csv', [HEADER, `CU10002;OPPRETTE;${PERSON};Firkant`]);
    expect((await harness.run({ LEASINGTAKER_MAX_ATTEMPTS: '1' })).exitCode).toBe(1);
    harness.local.sim.faults.down = false;

    const now = new Date(Date.now() + 100 * DAY);
    // Files written within the retention period stay, and so does anything that is not a report.
    const recent = join(harness.reports, 'ny.2099-01-01T00-00-00.xlsx');
    writeFileSync(recent, '');
    utimesSync(recent, now, new Date(now.getTime() - 10 * DAY));
    writeFileSync(join(harness.reports, 'notater.txt'), 'not ours');
    writeFileSync(join(harness.reports, '.gitkeep'), '');
    const archivedBefore = filesUnder(harness.archive);
    expect(archivedBefore).toHaveLength(2);

    const ledger = Ledger.open(harness.state);
    const countsBefore = [ledger.counts(1), ledger.counts(2)];
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (chunk: Buffer) => {
      logged += chunk.toString('utf8');
    });
    const logger = await createLogger({ level: 'info', destination: sink });
    const result = await applyRetention(
      { reports: harness.reports, archive: harness.archive, retentionDays: 90, maxRuns: 5 },
      ledger,
      logger,
      now,
    );
    try {
      expect(result).toMatchObject({ archived: 1, ledgerFiles: 1 });
      expect(result?.reports).toBeGreaterThanOrEqual(4);
      expect(filesUnder(harness.reports).map((path) => path.slice(harness.reports.length + 1))).toEqual([
        '.gitkeep',
        'notater.txt',
        'ny.2099-01-01T00-00-00.xlsx',
      ]);
      const archivedAfter = filesUnder(harness.archive);
      expect(archivedAfter).toHaveLength(1);
      expect(archivedAfter[0]).toMatch(/feilet\.csv$/);
      // The ledger's backup beside the archive is past the retention period as well, and stays.
      expect(existsSync(join(harness.archive, '.ledger-backup.sqlite'))).toBe(true);

      // Counts, plates, statuses and times stay; the input cells are gone.
      expect([ledger.counts(1), ledger.counts(2)]).toEqual(countsBefore);
      const [gammel] = ledger.history('CU10001');
      expect(gammel).toMatchObject({ file: 'gammel.csv', status: 'ok', cells: [] });
      expect(ledger.history('XX10001')[0]?.merknader.length).toBeGreaterThan(0);
      expect(ledger.history('CU10002')[0]?.cells.length).toBeGreaterThan(0);
      expect(logged).toContain('Retention: removed');
      expect(logged).not.toContain(PERSON);
    } finally {
      ledger.close();
    }

    // The same change again is still recognised as done; the failed row is retried with its request intact.
    drop(harness, 'igjen.csv', [HEADER, `CU10001;OPPRETTE;${PERSON};Firkant`]);
    const again = await harness.run();
    expect(again.exitCode).toBe(0);
    const byName = new Map(again.files.map((file) => [file.name, file.counts]));
    expect(byName.get('igjen.csv')).toMatchObject({ rows: 1, skipped: 1 });
    expect(byName.get('feilet.csv')).toMatchObject({ rows: 1, ok: 1 });
  });

  it('runs at the start of every run, from LEASINGTAKER_RETENTION_DAYS', async () => {
    mkdirSync(harness.reports, { recursive: true });
    const old = join(harness.reports, 'gammel.2020-01-01T00-00-00.summary.json');
    writeFileSync(old, '{}');
    const longAgo = new Date(Date.now() - 40 * DAY);
    utimesSync(old, longAgo, longAgo);
    await harness.run({ LEASINGTAKER_RETENTION_DAYS: '60' });
    expect(existsSync(old)).toBe(true);
    await harness.run({ LEASINGTAKER_RETENTION_DAYS: '30' });
    expect(existsSync(old)).toBe(false);
  });
});
