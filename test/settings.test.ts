import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredRows, HEADER, README, readmeTable, renderTable } from '../scripts/settings-table.ts';
import { buildProgram } from '../src/cli.ts';
import { describeDefault, plainText, SETTINGS, type Setting, withThousands } from '../src/settings.ts';

const settings: [string, Setting][] = Object.entries(SETTINGS);

describe('the settings table (src/settings.ts)', () => {
  it("is what the README's configuration table says (fix: npm run docs:settings)", () => {
    const readme = readmeTable(readFileSync(README, 'utf8'));
    expect(readme.header).toEqual(HEADER);
    // Row by row, so that a difference names its variable.
    expect(readme.rows).toEqual(declaredRows());
  });

  it('prints a table that reads back as itself', () => {
    const rendered = renderTable(HEADER, declaredRows());
    expect(readmeTable(`### Configuration\n\n${rendered}\n`).rows).toEqual(declaredRows());
  });

  it('gives each flag the name of its setting, as commander turns it into a key', () => {
    for (const [key, setting] of settings) {
      if (setting.flag === undefined) continue;
      const camel = (setting.flag.split(' ')[0] ?? '')
        .replace(/^--/, '')
        .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
      expect(camel, setting.env).toBe(key);
    }
  });

  it('has defaults inside their ranges and among their choices', () => {
    for (const [, setting] of settings) {
      if (setting.kind === 'integer' && setting.default !== undefined) {
        expect(setting.default, setting.env).toBeGreaterThanOrEqual(setting.min);
        expect(setting.default, setting.env).toBeLessThanOrEqual(setting.max);
      }
      if (setting.kind === 'text' && setting.choices && setting.default !== undefined) {
        expect(setting.choices, setting.env).toContain(setting.default);
      }
    }
    expect(new Set(settings.map(([, setting]) => setting.env)).size).toBe(settings.length);
  });

  it('declares every variable the code reads or names', () => {
    // The API's merknad codes share the prefix; they are answers, not settings.
    const merknader = /_(ER_ALLEREDE_REGISTRERT|KAN_IKKE_IDENTIFISERES|NAVN_STEMMER_IKKE|STEMMER_IKKE)$/;
    const declared = new Set(settings.map(([, setting]) => setting.env));
    const named = new Set<string>();
    const src = join(import.meta.dirname, '../src');
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(src, file), 'utf8');
      for (const [name] of text.matchAll(/\b(?:LEASINGTAKER|MASKINPORTEN)_[A-Z0-9_]*[A-Z0-9]\b/g))
        named.add(name);
      for (const [, name] of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) named.add(name as string);
    }
    const undeclared = [...named].filter((name) => !declared.has(name) && !merknader.test(name));
    expect(undeclared).toEqual([]);
  });

  it('is what --help says of every flag: variable, range and default', () => {
    const program = buildProgram();
    const help = (name: string) =>
      (program.commands.find((command) => command.name() === name)?.helpInformation() ?? '').replace(
        /\s+/g,
        ' ',
      );
    for (const command of ['run', 'watch', 'doctor']) {
      const text = help(command);
      for (const [, setting] of settings) {
        if (setting.flag === undefined) continue;
        expect(text, `${command} ${setting.flag}`).toContain(setting.flag);
        expect(text, `${command} ${setting.flag}`).toContain(
          `${setting.env}${setting.kind === 'integer' ? `, ${setting.min.toLocaleString('en')}` : ''}`,
        );
        expect(text, `${command} ${setting.flag}`).toContain(
          `default ${plainText(describeDefault(setting))})`,
        );
      }
    }
    for (const command of ['history', 'ledger'])
      expect(help(command)).toContain('LEASINGTAKER_STATE, default ./state)');
    const watch = program.commands.find((command) => command.name() === 'watch');
    let after = '';
    watch?.configureOutput({ writeOut: (text) => (after += text) });
    watch?.outputHelp();
    for (const key of ['debounceMs', 'pollSeconds', 'retryIntervalMinutes', 'graceSeconds'] as const) {
      expect(after).toContain(`${SETTINGS[key].env} (${SETTINGS[key].default})`);
    }
  });
});

describe('withThousands', () => {
  it.each([0, 7, 999, 1_000, 10_000, 65_535, 1_234_567, 4_294_967_295, -1_000, -999])(
    'writes %d as toLocaleString("en") does',
    (n) => {
      expect(withThousands(n)).toBe(n.toLocaleString('en'));
    },
  );
});
