import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownCode } from '../../src/commands/history.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { personRequest } from '../support/api-requests.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { spawnCli } from '../support/spawn-cli.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 23, month: 8, year: 1963, individ: 4 });
const HEADER = 'Kjennemerke;Handling;Fødselsnummer;Etternavn';

describe('leasingtaker history', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    mkdirSync(harness.inbox, { recursive: true });
    writeFileSync(
      join(harness.inbox, 'mars.csv'),
      [HEADER, `CU10001;OPPRETTE;${PERSON};Firkant`, `XX10001;OPPRETTE;${PERSON};Firkant`, ''].join('\n'),
    );
    await harness.run();
    // The same change again (skipped), then the lessee ended.
    writeFileSync(
      join(harness.inbox, 'april.csv'),
      [HEADER, `cu 10001;OPPRETTE;${PERSON};Firkant`, `CU-10001;avslutt;${PERSON};Firkant`, ''].join('\n'),
    );
    await harness.run();
  });
  afterAll(async () => {
    await harness.close();
  });

  // Only the state folder: history needs no Maskinporten settings.
  const history = (args: string[]) => spawnCli(['history', ...args], { LEASINGTAKER_STATE: harness.state });

  // An empty plate is a command line that names nothing (exit 2, as for every command), not "no such plate" (1).
  it.each([[''], ['   ']])('asks for a plate when given %j', async (plate) => {
    const result = await history([plate]);
    expect(result.stderr).toMatch(/Name the plate to look up: leasingtaker history <kjennemerke>/);
    expect(result.code).toBe(2);
  });

  it('lists every row of the plate, oldest first, however the plate is written', async () => {
    const result = await history(['cu-10001']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CU10001: 3 row\(s\) in the ledger/);
    const rows = lines.slice(3);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/mars\.csv\s+2\s+OPPRETTE\s+ok\s+1/);
    expect(rows[1]).toMatch(
      /april\.csv\s+2\s+OPPRETTE\s+skipped\s+0\s+the same change went through in mars\.csv, row 2/,
    );
    expect(rows[2]).toMatch(/april\.csv\s+3\s+AVSLUTTE\s+ok\s+1/);
  });

  it('shows the merknad of a stopped row, and never the fødselsnummer or the name', async () => {
    const result = await history(['XX10001']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stopped\s+1\s+KJORETOY_IKKE_FUNNET/);
    for (const args of [['XX10001'], ['CU10001'], ['CU10001', '--json']]) {
      const output = (await history(args)).stdout;
      expect(output).not.toContain(PERSON);
      expect(output).not.toContain(PERSON.slice(6));
      expect(output).not.toContain('Firkant');
    }
  });

  it('gives the rows as JSON for machines', async () => {
    const result = await history(['CU10001', '--json']);
    const parsed = JSON.parse(result.stdout) as { kjennemerke: string; rows: Record<string, unknown>[] };
    expect(parsed.kjennemerke).toBe('CU10001');
    expect(parsed.rows.map((row) => [row.file, row.row, row.handling, row.outcome])).toEqual([
      ['mars.csv', 2, 'OPPRETTE', 'ok'],
      ['april.csv', 2, 'OPPRETTE', 'skipped'],
      ['april.csv', 3, 'AVSLUTTE', 'ok'],
    ]);
  });

  it('shows the latest 1,000 rows of a plate that has many more, and how many it has', async () => {
    // A file whose 5,000 rows all name one plate (issue 13.4): printing every row, or holding them, does not scale.
    const ledger = Ledger.open(harness.state);
    const fileId = ledger.addFile({
      owner: '',
      name: 'en-bil.csv',
      path: '/a',
      format: 'csv',
      sha256: 'x',
      size: 1,
    });
    ledger.transaction(() => {
      for (let n = 2; n <= 5_001; n++) {
        ledger.addValidRow(fileId, n, personRequest(n % 2 === 0 ? 'OPPRETTE' : 'AVSLUTTE', 'CU20000'), []);
      }
    });
    ledger.close();
    const result = await history(['CU20000']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CU20000: 5000 row\(s\) in the ledger; the latest 1000, oldest first/);
    expect(lines.slice(3)).toHaveLength(1_000);
    expect(lines[3]).toMatch(/en-bil\.csv\s+4002\s/);
    expect(lines.at(-1)).toMatch(/en-bil\.csv\s+5001\s/);
    const json = JSON.parse((await history(['CU20000', '--json'])).stdout) as {
      total: number;
      rows: unknown[];
    };
    expect([json.total, json.rows.length]).toEqual([5_000, 1_000]);
  });

  it('exits 1 for a plate the ledger does not know, and 2 when there is no ledger', async () => {
    const unknown = await history(['EL99999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('no row for EL99999');
    const missing = await spawnCli(['history', 'CU10001'], {
      LEASINGTAKER_STATE: join(harness.dir, 'nowhere'),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no ledger in');
  });
});

describe('shownCode', () => {
  const cases: [string, string][] = [
    ['KJORETOY_IKKE_FUNNET', 'KJORETOY_IKKE_FUNNET'],
    ['E1001', 'E1001'],
    ['PERSON_03899274716', 'PERSON_…'],
    ['PERSON_03 89 92 74 716', '(code not shown)'],
    ['Kari Nordmann', '(code not shown)'],
    ['Nordmann', '(code not shown)'],
    ['HTTP_400', 'HTTP_400'],
    ['', '(code not shown)'],
  ];
  it.each(cases)('%s', (code, shown) => {
    expect(shownCode(code)).toBe(shown);
  });
});
