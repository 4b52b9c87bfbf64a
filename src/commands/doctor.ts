import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Flags, RunConfig } from '../config.ts';
import { print } from '../console.ts';
import { maskIdNumbers } from '../domain/mask.ts';
import { isTemporaryName } from '../inbox/listing.ts';
import { ownerFolder } from '../inbox/owner-folder.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { loadSigningKey, type SigningKey } from '../maskinporten/keys.ts';
import type { MaskinportenSettings } from '../maskinporten/settings.ts';
import { createTokenProvider } from '../maskinporten/token-provider.ts';
import { checkMetrics } from '../metrics/check.ts';
import { configure } from './configure.ts';
import { probeApi } from './doctor-api.ts';
import type { Verdict } from './doctor-check.ts';
import { checkFolder, checkLock, diskSpace } from './doctor-folders.ts';

const MARK: Readonly<Record<Verdict, string>> = { pass: '✓', fail: '✗', note: '!', skip: '–' };

/**
 * `leasingtaker doctor`: checks the installation end to end, in the order a run needs things, one line per check
 * with what to do about a failure: the configuration, the signing key, a token from Maskinporten, the API (a
 * request with an empty body, which the API refuses with 400: no row is ever sent), the folders, the run lock,
 * disk space. Exit 0 when everything passes, 2 otherwise. Prints neither the key nor the token.
 */
export async function doctorCommand(flags: Flags & { envFile?: string }): Promise<number> {
  let failures = 0;
  let checks = 0;
  const say = (verdict: Verdict, text: string) => {
    checks += 1;
    if (verdict === 'fail') failures += 1;
    print(`${MARK[verdict]} ${text}\n`);
  };

  const loaded = configure(flags);
  if (!loaded.ok) {
    say(
      'fail',
      `Configuration: ${loaded.problems.length} problem(s); fix them first (README.md, "Configuration"):`,
    );
    for (const problem of loaded.problems) print(`    - ${problem}\n`);
    return 2;
  }
  const { config } = loaded;
  const mp = config.api.maskinporten;
  say(
    'pass',
    `Configuration: Maskinporten ${mp.environment} (${mp.issuer}), client ${mp.clientId}, API ${config.api.apiUrl}`,
  );

  let key: SigningKey | undefined;
  try {
    key = loadSigningKey(mp);
    say('pass', `Signing key: ${describeKey(key, mp)}`);
  } catch (error) {
    if (!(error instanceof MaskinportenError)) throw error;
    say('fail', `Signing key: ${error.message}`);
  }

  const { owners, leftAlone } = await tokenSettings(config);
  for (const { name, reason } of leftAlone) {
    // A folder's name may be a fødselsnummer (a clerk's mistake): masked, as in every console line.
    say('note', `Inbox folder ${maskIdNumbers(name)}: left alone, it ${reason}; files in it are not sent.`);
  }
  let token: string | undefined;
  if (key === undefined) say('skip', 'Maskinporten token: not asked for without a usable key.');
  else {
    for (const { owner, settings } of owners) {
      const who = owner ? ` for fleet owner ${owner}` : '';
      try {
        const fresh = await createTokenProvider(settings, {
          signingKey: key,
          maxAttempts: 2,
          backoff: { baseMs: 200, maxMs: 500 },
          timeoutMs: 10_000,
          onWarning: (message) => say('note', `Maskinporten token${who}: ${message}`),
        }).getToken();
        if (owner === '' || owner === mp.consumerOrg) token ??= fresh;
        say('pass', `Maskinporten token${who}: issued for scope "${settings.scope}".`);
      } catch (error) {
        if (!(error instanceof MaskinportenError)) throw error;
        say('fail', `Maskinporten token${who}: ${error.message}`);
      }
    }
  }

  const api = await probeApi(config, token);
  say(api.verdict, `Leasingtaker-API: ${api.text}`);

  const folders: [string, string, string][] = [
    ['Inbox', 'LEASINGTAKER_INBOX', config.inbox],
    ['Reports', 'LEASINGTAKER_REPORTS', config.reports],
    ['State', 'LEASINGTAKER_STATE', config.state],
    ['Archive', 'LEASINGTAKER_ARCHIVE', config.archive],
  ];
  for (const [label, name, path] of folders) {
    const folder = await checkFolder(path);
    say(
      folder.verdict,
      `${label} folder ${path}${folder.verdict === 'fail' ? ` (${name})` : ''}: ${folder.text}`,
    );
  }
  const temp = await checkFolder(tmpdir());
  say(
    temp.verdict,
    temp.verdict === 'fail'
      ? `Temporary folder ${tmpdir()}: ${temp.text} Spreadsheet work needs it: with a read-only root filesystem, mount a tmpfs at /tmp or set TMPDIR to a writable folder.`
      : `Temporary folder ${tmpdir()}: ${temp.text}`,
  );

  const lock = await checkLock(config.state);
  say(lock.verdict, `Run lock: ${lock.text}`);

  const { checkLedger } = await import('./doctor-ledger.ts');
  for (const line of checkLedger(config.state, config.archive)) say(line.verdict, line.text);

  for (const line of await diskSpace(folders.map(([label, , path]) => [label, path])))
    say(line.verdict, line.text);

  for (const line of await checkMetrics(config.metrics)) say(line.verdict, line.text);

  print(
    failures === 0
      ? `\nAll ${checks} checks passed.\n`
      : `\n${failures} of ${checks} checks failed; see the lines marked ✗.\n`,
  );
  return failures === 0 ? 0 : 2;
}

function describeKey(key: SigningKey, settings: MaskinportenSettings): string {
  const bits = key.key.asymmetricKeyDetails?.modulusLength ?? 0;
  let from = 'MASKINPORTEN_KEY';
  if (settings.keyFile !== undefined) {
    const mode = (statSync(settings.keyFile).mode & 0o777).toString(8);
    from = `MASKINPORTEN_KEY_FILE (${settings.keyFile}, mode ${mode})`;
  }
  const identity =
    key.x5c !== undefined
      ? `with the business certificate of MASKINPORTEN_CERT_FILE (${key.x5c.length} certificate(s))`
      : `key id "${key.kid ?? ''}"`;
  return `RSA, ${bits} bits, from ${from}, ${identity}.`;
}

/**
 * The installation's own token, and one per fleet owner folder in the inbox (each is a delegation in Altinn);
 * beside them the inbox folders a run leaves alone, with why (the owner-folder rule, inbox/owner-folder.ts).
 */
async function tokenSettings(config: RunConfig): Promise<{
  owners: { owner: string; settings: MaskinportenSettings }[];
  leftAlone: { name: string; reason: string }[];
}> {
  const own = config.api.maskinporten;
  const owners = [{ owner: own.consumerOrg ?? '', settings: own }];
  const leftAlone: { name: string; reason: string }[] = [];
  const entries = await readdir(config.inbox, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // The listing's own rules (inbox/listing.ts): what it passes over silently, doctor does too.
    if (!entry.isDirectory() || isTemporaryName(entry.name)) continue;
    const folder = ownerFolder(entry.name);
    if (!folder.ok) {
      leftAlone.push({ name: entry.name, reason: folder.reason });
      continue;
    }
    owners.push({
      owner: entry.name,
      settings: { ...own, consumerOrg: entry.name, scope: config.api.delegatedScope },
    });
  }
  return { owners, leftAlone };
}
