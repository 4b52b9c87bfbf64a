import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installationEnv, useHarness } from '../support/harness.ts';
import { ERROR, logLines, runFinished } from '../support/log-lines.ts';
import { startCli } from '../support/spawn-cli.ts';

// The scheduler runs every 15 minutes, mostly with an empty inbox: a key that went bad must show the first time,
// not on the day the month's file comes.
describe('every run checks the configuration and the key before it looks at the inbox', () => {
  const harness = useHarness();
  const keyFile = () => harness.local.env.MASKINPORTEN_KEY_FILE ?? '';

  it('exits 2 with an empty inbox when the key file is group-readable, saying how to fix it', async () => {
    chmodSync(keyFile(), 0o644);
    const result = await harness.run();
    expect(result.exitCode).toBe(2);
    const error = logLines(harness.logs()).find((line) => line.level >= ERROR);
    expect(error?.msg).toMatch(/can be read by other users \(mode 644\)/);
    expect(error?.msg).toMatch(/chmod 600/);
    expect(runFinished(harness.logs())?.exitCode).toBe(2);
    // Nothing was sent, not even a token asked for.
    expect(harness.local.sim.calls).toEqual([]);
  });

  it('exits 2 with an empty inbox when the key no longer parses', async () => {
    writeFileSync(keyFile(), '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', {
      mode: 0o600,
    });
    const result = await harness.run();
    expect(result.exitCode).toBe(2);
    expect(logLines(harness.logs()).find((line) => line.level >= ERROR)?.msg).toMatch(/cannot be parsed/);
  });

  it('checks the key before the inbox: a file waiting is left in it, untouched', async () => {
    writeFileSync(join(harness.inbox, 'venter.csv'), 'Kjennemerke;Handling\r\n');
    chmodSync(keyFile(), 0o640);
    const result = await harness.run();
    expect(result.exitCode).toBe(2);
    expect(readdirSync(harness.inbox)).toEqual(['venter.csv']);
  });

  it('exits 0 with an empty inbox and a good key, asking Maskinporten for nothing', async () => {
    const result = await harness.run();
    expect(result.exitCode).toBe(0);
    expect(runFinished(harness.logs())?.msg).toBe('Run finished: nothing to do');
    expect(harness.local.sim.calls).toEqual([]);
  });

  it('gives the scheduler exit code 2 from the command itself', async () => {
    chmodSync(keyFile(), 0o644);
    const result = await startCli(['run'], installationEnv(harness), { cwd: harness.dir }).result;
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(/can be read by other users/);
  });
});
