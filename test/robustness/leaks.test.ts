import { chmodSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { spawnCli } from '../support/spawn-cli.ts';
import {
  createInstallation,
  dropFleet,
  filesUnder,
  findSecrets,
  type Installation,
  notPrivate,
  planFleet,
  syntheticPersons,
} from './support.ts';

describe('nothing leaks', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('prints no fødselsnummer, token, grant or key: faults, expiring tokens, odd files, refused keys, debug logs', async () => {
    // Tokens expire under the client's feet (the simulator's clock jumps), and a share of calls fail.
    let sim: Simulator | undefined;
    install = await createInstallation({
      seed: 11,
      faults: { share503: 0.1, shareDrop: 0.05, dropAfterApply: true },
      tokenLifetimeSeconds: 10,
      clockSkewSeconds: 3600,
      now: () => Date.now() + 12_000 * Math.min(2, Math.floor((sim?.calls.length ?? 0) / 150)),
    });
    sim = install.local.sim;
    const { inbox } = install;
    const fleet = planFleet(150, 90_000);
    dropFleet(inbox, 'flate.csv', fleet);
    // Personal data where it doesn't belong: as the header (a file without one), as a plate, in a note.
    const [a, b, c] = syntheticPersons(3, 7000) as [string, string, string];
    writeFileSync(join(inbox, 'uten-overskrift.csv'), `CU91001;OPPRETTE;${a};Nilsen\r\n`);
    writeFileSync(
      join(inbox, 'feil-kolonne.csv'),
      `Kjennemerke;Handling;Fødselsnummer;Etternavn;Notat\r\n${b};OPPRETTE;${b};Nilsen;ring ${c}\r\n`,
    );
    const outputs: string[] = [];
    const collect = <T extends { stdout: string; stderr: string }>(result: T): T => {
      outputs.push(result.stdout, result.stderr);
      return result;
    };

    const run = collect(await install.run({ LOG_LEVEL: 'debug', LEASINGTAKER_MAX_ATTEMPTS: '8' }));
    expect(run.code, run.stdout + run.stderr).toBe(1); // the file without a header can't be read

    // Maskinporten refuses the grant (a key id it doesn't know): the error, at debug level.
    dropFleet(inbox, 'igjen.csv', planFleet(20, 91_000));
    const refused = collect(await install.run({ LOG_LEVEL: 'debug', MASKINPORTEN_KID: 'ukjent-nokkel' }));
    expect(refused.code).toBe(2);

    // The key given inline, and refused: its text must not be echoed.
    const keyFile = install.local.env.MASKINPORTEN_KEY_FILE as string;
    const inline = collect(
      await install.run({
        LOG_LEVEL: 'debug',
        MASKINPORTEN_KEY_FILE: '',
        MASKINPORTEN_KEY: readFileSync(keyFile, 'utf8'),
        MASKINPORTEN_KID: 'ukjent-nokkel',
      }),
    );
    expect(inline.code).toBe(2);

    // A key file that isn't a key, and one that others may read: named, never shown.
    const broken = join(install.dir, 'keys', 'broken.pem');
    writeFileSync(
      broken,
      '-----BEGIN PRIVATE KEY-----\nHEMMELIG-NOKKEL-0123456789abcdef\n-----END PRIVATE KEY-----\n',
      {
        mode: 0o600,
      },
    );
    const garbage = collect(await install.run({ MASKINPORTEN_KEY_FILE: broken }));
    expect(garbage.code).toBe(2);
    const open = join(install.dir, 'keys', 'open.pem');
    copyFileSync(keyFile, open);
    chmodSync(open, 0o644);
    const readable = collect(await install.run({ MASKINPORTEN_KEY_FILE: open }));
    expect(readable.code).toBe(2);
    expect(readable.stdout + readable.stderr).toMatch(/can be read by other users/);

    // `validate` of the fleet file tells about its invalid rows without their numbers.
    const archived = filesUnder(install.archive).filter((path) => path.endsWith('-flate.csv'));
    collect(await spawnCli(['validate', ...archived], {}, { cwd: install.dir }));

    const everything = outputs.join('\n');
    expect(everything).toContain('"level":20'); // debug lines were there to leak
    expect(everything).not.toContain('HEMMELIG-NOKKEL');
    expect(
      findSecrets(everything, {
        fnrs: [...fleet.map((row) => row.fnr), a, b, c],
        tokens: sim.issuedTokens(),
        keyFile,
      }),
    ).toEqual([]);
    expect(sim.issuedTokens().length).toBeGreaterThan(1);
  }, 90_000);

  it('creates reports, the archived input, the ledger (WAL included) and the lock for the owner only, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      install = await createInstallation();
      dropFleet(install.inbox, 'flate.csv', planFleet(100, 92_000));
      const child = install.start();
      // While it runs, the ledger's write-ahead log and shared-memory files exist too.
      const during = new Set<string>();
      while (child.running()) {
        for (const path of filesUnder(install.state)) during.add(path);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect((await child.result).code).toBe(0);
      expect([...during].some((path) => path.endsWith('-wal'))).toBe(true);
      const files = [
        ...filesUnder(install.reports),
        ...filesUnder(install.archive),
        ...filesUnder(install.state),
      ];
      expect(files.some((path) => path.endsWith('.igjen.csv'))).toBe(true);
      expect(notPrivate(files)).toEqual([]);
      expect(statSync(install.state).mode & 0o077).toBe(0);
    } finally {
      process.umask(previous);
    }
  }, 60_000);
});
