import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../src/job/run-lock.ts';
import { createHarness, type Harness, installationEnv } from '../support/harness.ts';
import { spawnCli } from '../support/spawn-cli.ts';

describe('leasingtaker doctor', () => {
  let harness: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    harness = await createHarness();
    env = installationEnv(harness);
  });
  afterAll(async () => {
    await harness.close();
  });

  const apiCalls = () => harness.local.sim.calls.filter((call) => call.endpoint === 'api');

  it('passes every check against the simulator, probing the API without sending a row', async () => {
    mkdirSync(join(harness.inbox, '310555568'), { recursive: true });
    const before = apiCalls().length;
    const result = await spawnCli(['doctor'], env, { cwd: harness.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    for (const check of [
      'Configuration',
      'Signing key',
      'Maskinporten token:',
      'Maskinporten token for fleet owner 310555568',
      'Leasingtaker-API',
      'Inbox folder',
      'Reports folder',
      'State folder',
      'Archive folder',
      'Temporary folder',
      'Run lock',
      'Disk',
    ]) {
      expect(lines.find((line) => line.includes(check))).toMatch(/^✓ /);
    }
    expect(result.stdout).toMatch(/All \d+ checks passed/);
    // The probe was refused as a bad request: nothing reached the register.
    const probes = apiCalls().slice(before);
    expect(probes.length).toBe(1);
    expect(probes[0]).toMatchObject({ status: 400, result: 'rejected' });
    // Neither the key nor any token is printed.
    expect(result.stdout).not.toContain('PRIVATE KEY');
    for (const token of harness.local.sim.issuedTokens()) expect(result.stdout).not.toContain(token);
  });

  // README ("Acting for several fleet owners"): a folder whose name is not a valid organisasjonsnummer is left
  // alone and logged by run, watch and doctor alike; doctor says so in a line of its own, masking what could be a
  // fødselsnummer in the name, and gets no token for it.
  it('names each inbox folder it will not treat as a fleet owner, without failing', async () => {
    const inbox = join(harness.dir, 'inbox-odd-folders');
    for (const name of ['912345678', '03899274716', 'kunder', '310555568'])
      mkdirSync(join(inbox, name), { recursive: true });
    const result = await spawnCli(['doctor'], { ...env, LEASINGTAKER_INBOX: inbox }, { cwd: harness.dir });
    expect(result.code).toBe(0);
    const notes = result.stdout.split('\n').filter((line) => line.startsWith('! Inbox folder'));
    expect(notes).toEqual([
      expect.stringMatching(/^! Inbox folder 038992\*{5}: left alone, .*not an organisasjonsnummer/),
      expect.stringMatching(/^! Inbox folder 912345678: left alone, .*control digit is wrong/),
      expect.stringMatching(/^! Inbox folder kunder: left alone, .*not an organisasjonsnummer/),
    ]);
    expect(`${result.stdout}${result.stderr}`).not.toContain('03899274716');
    expect(result.stdout).toContain('Maskinporten token for fleet owner 310555568');
    expect(result.stdout).not.toContain('Maskinporten token for fleet owner 912345678');
  });

  it('fails with a line naming MASKINPORTEN_KID when Maskinporten does not know the key id', async () => {
    const result = await spawnCli(['doctor'], { ...env, MASKINPORTEN_KID: 'not-registered' });
    expect(result.code).toBe(2);
    const line = result.stdout.split('\n').find((text) => text.startsWith('✗ Maskinporten token:'));
    expect(line).toContain('invalid_grant');
    expect(line).toContain('MASKINPORTEN_KID');
    expect(result.stdout).toMatch(/checks failed/);
  });

  it('fails with a line naming the setting when a folder cannot be used', async () => {
    const notAFolder = join(harness.dir, 'reports-is-a-file');
    writeFileSync(notAFolder, '');
    const result = await spawnCli(['doctor'], { ...env, LEASINGTAKER_REPORTS: notAFolder });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `✗ Reports folder ${notAFolder} (LEASINGTAKER_REPORTS): is not a folder.`,
    );
    expect(result.stdout).toMatch(/^✓ Inbox folder/m);
  });

  it('fails when the API is not at the configured address', async () => {
    const result = await spawnCli(['doctor'], { ...env, LEASINGTAKER_API_URL: 'http://127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^✗ Leasingtaker-API: .* did not answer \(ECONNREFUSED\)/m);
  });

  it('lists every configuration problem at once and checks nothing else', async () => {
    const result = await spawnCli(['doctor'], { LEASINGTAKER_CONCURRENCY: 'many' }, { cwd: harness.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^✗ Configuration: \d+ problem/m);
    expect(result.stdout).toContain('MASKINPORTEN_CLIENT_ID');
    expect(result.stdout).toContain('LEASINGTAKER_CONCURRENCY');
    expect(result.stdout).not.toContain('Signing key');
  });

  it('notes a run holding the lock without failing', async () => {
    const release = await acquireRunLock(harness.state);
    try {
      const result = await spawnCli(['doctor'], env);
      expect(result.stdout).toMatch(/^! Run lock: held: a run is working with/m);
      expect(result.code).toBe(0);
    } finally {
      await release();
    }
  });
});
