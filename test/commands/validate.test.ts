import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hiddenRowsText } from '../../src/commands/hidden-rows-text.ts';
import { validateFile } from '../../src/commands/validate.ts';
import { spawnCli } from '../support/spawn-cli.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const SAMPLES = readdirSync(FIXTURES, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith('.csv') || name.endsWith('.xlsx'));

describe('validate', () => {
  it.each(SAMPLES.filter((name) => !name.includes('med-feil')))(
    'finds every row of %s valid',
    async (name) => {
      const verdict = await validateFile(join(FIXTURES, name));
      expect(verdict.error).toBeUndefined();
      expect(verdict.rows).toBeGreaterThan(0);
      expect(verdict.problems).toEqual([]);
      expect(verdict.valid + verdict.hiddenRows.length).toBe(verdict.rows);
    },
  );

  it('names the rows hidden in Excel, which are not sent (fixtures/flate-skjulte-rader.xlsx)', async () => {
    const verdict = await validateFile(join(FIXTURES, 'flate-skjulte-rader.xlsx'));
    expect(verdict).toMatchObject({ rows: 6, valid: 3, invalid: 0, hiddenRows: [3, 5, 7] });
    const printed = await spawnCli(['validate', join(FIXTURES, 'flate-skjulte-rader.xlsx')]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('Skjult i Excel, ikke sendt: rader 3, 5, 7');
    expect(printed.stdout).not.toMatch(/\d{11}/);
  });

  it('names the row, column and reason of each invalid row as Excel numbers them', async () => {
    const verdict = await validateFile(join(FIXTURES, 'flate-med-feil.csv'));
    expect(verdict).toMatchObject({ rows: 9, valid: 4, invalid: 5 });
    expect(verdict.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [3, 'Kjennemerke'],
      [4, 'Fødselsnummer'],
      [6, 'Handling'],
      [7, 'Etternavn'],
      // An exact repeat of row 8: no cell of it is wrong, the row is.
      [9, 'Hele raden'],
    ]);
  });

  it('prints JSON for machines, exits 1 for invalid rows and never prints a whole fødselsnummer', async () => {
    const result = await spawnCli(['validate', '--json', join(FIXTURES, 'flate-med-feil.csv')]);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.files[0]).toMatchObject({ file: 'flate-med-feil.csv', invalid: 5 });
    expect(result.stdout + result.stderr).not.toMatch(/\d{11}/);
  });

  it('exits 0 for valid files and refuses other formats with advice on what to save them as', async () => {
    const ok = await spawnCli(['validate', join(FIXTURES, 'flate-tapte-nuller.xlsx')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('flate-tapte-nuller.xlsx: 8 rader, 8 gyldige, 0 ugyldige');
    const refused = await spawnCli(['validate', join(FIXTURES, 'README.md')]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/\.xlsx|CSV/);
  });

  it.each([
    [[4], 'Skjult i Excel, ikke sendt: rad 4'],
    [[5, 6, 7, 9], 'Skjult i Excel, ikke sendt: rader 5–7, 9'],
    [
      Array.from({ length: 50 }, (_, i) => 2 + 2 * i),
      `Skjult i Excel, ikke sendt: rader ${Array.from({ length: 20 }, (_, i) => 2 + 2 * i).join(', ')}, …`,
    ],
  ])('writes hidden rows %j as ranges', (rows, expected) => {
    expect(hiddenRowsText(rows)).toBe(expected);
  });

  it('speaks Norwegian to the clerk, around the reasons as well as in them', async () => {
    const result = await spawnCli([
      'validate',
      join(FIXTURES, 'flate-med-feil.csv'),
      join(FIXTURES, 'README.md'),
    ]);
    expect(result.stdout).toContain('✗ flate-med-feil.csv: 9 rader, 4 gyldige, 5 ugyldige');
    expect(result.stdout).toMatch(/^ {2}rad 4, Fødselsnummer: Kontrollsifrene stemmer ikke/m);
    expect(result.stdout).toContain('Ugyldige rader blir ikke sendt.');
    expect(result.stdout).toContain('✗ README.md: kan ikke brukes.');
    expect(result.stdout).not.toMatch(/\b(rows|valid|invalid|row|cannot)\b/);
    const help = await spawnCli(['validate', '--help']);
    expect(help.stdout).toMatch(/^Bruk: leasingtaker validate \[valg\] <filer\.\.\.>/);
    expect(help.stdout).not.toMatch(/\b(Usage|Options|Arguments|Check|display)\b/);
    // Commander's own errors, before any of our code runs, too; the operators' commands keep English.
    // No file named is a command line it can't run (exit 2, as for every command), not a file with invalid rows (1).
    const none = await spawnCli(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('feil: skriv navnet på minst én fil etter validate');
    expect(none.stderr).not.toMatch(/error|usage/i);
    const run = await spawnCli(['run', '--bogus']);
    expect(run.stderr).toContain("error: unknown option '--bogus'");
  });
});

describe('what a killed validate leaves behind', () => {
  it('is removed by the next validate, and only when its process is gone', async () => {
    const { existsSync, mkdirSync, rmSync: remove, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    // A process id no process has: the kernel's limit is far below it.
    const dead = join(tmpdir(), 'leasingtaker-validate-2147483646-aB3dE5');
    const living = join(tmpdir(), `leasingtaker-validate-${process.pid}-aB3dE5`);
    for (const dir of [dead, living]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'ledger.sqlite'), 'rows with personal data', { mode: 0o600 });
    }
    try {
      const result = await spawnCli(['validate', join(FIXTURES, 'flate-med-feil.csv')]);
      expect(result.code).toBe(1);
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(living)).toBe(true);
    } finally {
      for (const dir of [dead, living]) remove(dir, { recursive: true, force: true });
    }
  });
});
