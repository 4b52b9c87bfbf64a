import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROMTOOL_BIN, prometheusAvailable, promtoolCheckRules } from '../support/prometheus.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy', import.meta.url));
const RULES = join(DEPLOY, 'prometheus/leasingtaker-rules.yml');
const RULES_TESTS = join(DEPLOY, 'prometheus/leasingtaker-rules.test.yml');
const PROMETHEUS_RULE = join(DEPLOY, 'kubernetes/prometheusrule.yaml');

/** The groups of a rules file: from `groups:` on, as the file has them. */
const groupsOf = (text: string) => text.slice(text.indexOf('groups:\n'));

/** The PrometheusRule's spec, one level of indentation less: a plain rules file. */
const specOf = (text: string) =>
  text
    .slice(text.indexOf('\nspec:\n') + '\nspec:\n'.length)
    .split('\n')
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');

describe.runIf(prometheusAvailable())('the example alerting rules in deploy/', () => {
  it('pass promtool check rules', async () => {
    expect(await promtoolCheckRules([RULES])).toMatchObject({ code: 0 });
  });

  it("fire when they should, and not at the weekend's gap (promtool test rules)", async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(PROMTOOL_BIN, ['test', 'rules', RULES_TESTS], (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it("are the PrometheusRule's groups, line for line, and that spec passes promtool too", async () => {
    const spec = specOf(readFileSync(PROMETHEUS_RULE, 'utf8'));
    expect(groupsOf(spec)).toBe(groupsOf(readFileSync(RULES, 'utf8')));
    const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-rules-'));
    try {
      writeFileSync(join(dir, 'spec.yml'), spec);
      expect(await promtoolCheckRules([join(dir, 'spec.yml')])).toMatchObject({ code: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
