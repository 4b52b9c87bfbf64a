import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSimulator, startLocalSimulator } from '../src/commands/local-simulator.ts';
import { spawnCli } from './support/spawn-cli.ts';

describe('leasingtaker CLI', () => {
  let dir: string;
  let local: LocalSimulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leasingtaker-cli-'));
    local = await startLocalSimulator(join(dir, 'keys'));
  });
  afterAll(async () => {
    await local.sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every command in --help, and each command has its own --help', async () => {
    const help = await spawnCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['validate', 'run', 'watch', 'doctor', 'history', 'demo', 'simulator']) {
      expect(help.stdout).toContain(command);
      const own = await spawnCli([command, '--help']);
      expect(own.code).toBe(0);
      // validate is the clerk's, in Norwegian; the operators' commands are in English (README).
      const usage = command === 'validate' ? 'Bruk:' : 'Usage:';
      expect(own.stdout).toContain(`${usage} leasingtaker ${command}`);
    }
  });

  // A newcomer reads each option's default once, in words: commander adds "(default: ...)" of its own to an
  // option given a default value, so a description that also names it says it twice.
  it.each(['demo', 'simulator'])('names each default of %s --help once', async (command) => {
    const own = await spawnCli([command, '--help']);
    const options = own.stdout.replace(/\n {6,}/g, ' ').split(/\n/);
    for (const line of options) expect((line.match(/\(default/g) ?? []).length).toBeLessThanOrEqual(1);
    expect(own.stdout).toContain(command === 'demo' ? '(default: ./demo)' : '(default: a free port)');
  });

  // A mistyped flag is a configuration error like a mistyped variable (README "Exit codes": 2), not "needs
  // attention" (1), which is what a scheduler's alert on exit 1 would take it for.
  it.each([
    [['run', '--concurrency', 'abc'], /--concurrency.*whole number/],
    [['run', '--max-rps', '-1'], /--max-rps/],
    [['doctor', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['no-such-command'], /unknown command 'no-such-command'/],
    [['history'], /missing required argument/],
  ])('exits 2 on a bad command line: %j', async (args, why) => {
    const result = await spawnCli(args);
    expect(result.stderr).toMatch(why);
    expect(result.code).toBe(2);
  });

  // The ledger commands read the state folder and the retry budget through the settings table, as a run does:
  // a budget that is not a number is refused before anything is touched, not carried into the SQL as NaN.
  it.each([['keep'], ['restore']])(
    'ledger %s refuses a LEASINGTAKER_MAX_RUNS that is not a number',
    async (action) => {
      const state = join(dir, `ledger-${action}`);
      const result = await spawnCli(['ledger', action], {
        LEASINGTAKER_MAX_RUNS: 'abc',
        LEASINGTAKER_STATE: state,
      });
      expect(result.stderr).toContain(
        'LEASINGTAKER_MAX_RUNS must be a whole number from 1 to 1000; it is "abc".',
      );
      expect(result.code).toBe(2);
      expect(existsSync(state)).toBe(false);
    },
  );

  // `keep` accepts the ledger that is there; with none there, making an empty one and accepting it would be
  // `ledger new` under another name, and the backup it then writes blamed the state folder for the archive's path.
  it('ledger keep without a ledger says there is none to keep, and makes none', async () => {
    const state = join(dir, 'keep-nothing-state');
    const archive = join(dir, 'keep-nothing-archive');
    const result = await spawnCli(['ledger', 'keep'], {
      LEASINGTAKER_STATE: state,
      LEASINGTAKER_ARCHIVE: archive,
    });
    expect(`${result.stdout}${result.stderr}`).toMatch(/There is no ledger in .*keep-nothing-state to keep/);
    expect(result.code).toBe(2);
    expect(existsSync(join(state, 'ledger.sqlite'))).toBe(false);
  });

  it('still exits 0 for --help and --version', async () => {
    expect((await spawnCli(['run', '--help'])).code).toBe(0);
    expect((await spawnCli(['--version'])).code).toBe(0);
  });

  it('exits 2 and lists every configuration problem at once, touching nothing', async () => {
    const result = await spawnCli(
      ['run'],
      { LEASINGTAKER_CONCURRENCY: 'many', LEASINGTAKER_INBOX: join(dir, 'none') },
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MASKINPORTEN_CLIENT_ID');
    expect(result.stderr).toContain('LEASINGTAKER_CONCURRENCY');
    expect(result.stderr).toContain('MASKINPORTEN_KEY_FILE');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('exits 2 before sending when Maskinporten refuses the client', async () => {
    const inbox = join(dir, 'inbox-auth');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(
      join(inbox, 'a.csv'),
      'Kjennemerke;Handling;Fødselsnummer;Etternavn\nCU10001;OPPRETTE;63888700414;Firkant\n',
    );
    const result = await spawnCli(
      [
        'run',
        '--inbox',
        inbox,
        '--state',
        join(dir, 'state-auth'),
        '--reports',
        join(dir, 'r'),
        '--archive',
        join(dir, 'a'),
      ],
      { ...local.env, MASKINPORTEN_KID: 'not-registered', LEASINGTAKER_SETTLE_MS: '0' },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/MASKINPORTEN_KID/);
    expect(local.sim.calls.filter((call) => call.endpoint === 'api')).toHaveLength(0);
  });

  it('runs the inbox against the simulator and exits 0 when every row reached an outcome', async () => {
    const inbox = join(dir, 'inbox-ok');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(
      join(inbox, 'a.csv'),
      'Kjennemerke;Handling;Fødselsnummer;Etternavn\nCU10001;OPPRETTE;63888700414;Firkant\nXX10001;OPPRETTE;63888700414;Firkant\n',
    );
    const result = await spawnCli(
      [
        'run',
        '--inbox',
        inbox,
        '--state',
        join(dir, 'state-ok'),
        '--reports',
        join(dir, 'reports-ok'),
        '--archive',
        join(dir, 'archive-ok'),
      ],
      { ...local.env, LEASINGTAKER_SETTLE_MS: '0' },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({
      msg: expect.stringMatching(/^Run finished: 1 file\(s\), 2 rows \(1 ok, 1 stopped, /),
      rows: 2,
      ok: 1,
      stopped: 1,
      exitCode: 0,
    });
    // Personal data never reaches the console.
    expect(result.stdout + result.stderr).not.toContain('63888700414');
  });
});
