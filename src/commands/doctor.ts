import { constants, existsSync, statSync } from 'node:fs';
import { access, readdir, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createApiHttp } from '../api/http.ts';
import { describeBytes, ReplyTooLargeError } from '../api/reply-limit.ts';
import type { Flags, RunConfig } from '../config.ts';
import { print } from '../console.ts';
import { isOwnerFolder } from '../inbox/owner-folder.ts';
import { acquireRunLock, RunLockedError } from '../job/run-lock.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import { loadSigningKey, type SigningKey } from '../maskinporten/keys.ts';
import type { MaskinportenSettings } from '../maskinporten/settings.ts';
import { createTokenProvider } from '../maskinporten/token-provider.ts';
import { checkMetrics } from '../metrics/check.ts';
import { configure } from './configure.ts';

/** ✓ passed, ✗ failed (doctor exits 2), ! worth knowing but not wrong, – could not be checked. */
type Verdict = 'pass' | 'fail' | 'note' | 'skip';
const MARK: Readonly<Record<Verdict, string>> = { pass: '✓', fail: '✗', note: '!', skip: '–' };

/** Below this much free space where the ledger, reports or archive live, doctor fails. */
const MIN_FREE_BYTES = 100 * 1024 * 1024;

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

  let token: string | undefined;
  if (key === undefined) say('skip', 'Maskinporten token: not asked for without a usable key.');
  else {
    for (const { owner, settings } of await tokenSettings(config)) {
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

/** The installation's own token, and one per fleet owner folder in the inbox (each is a delegation in Altinn). */
async function tokenSettings(
  config: RunConfig,
): Promise<{ owner: string; settings: MaskinportenSettings }[]> {
  const own = config.api.maskinporten;
  const list = [{ owner: own.consumerOrg ?? '', settings: own }];
  const entries = await readdir(config.inbox, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !isOwnerFolder(entry.name)) continue;
    list.push({
      owner: entry.name,
      settings: { ...own, consumerOrg: entry.name, scope: config.api.delegatedScope },
    });
  }
  return list;
}

/**
 * POSTs an empty JSON object: the API refuses it with 400 without touching the register, which shows that it
 * is there, at that address, and took the token. No row is ever sent.
 */
async function probeApi(
  config: RunConfig,
  token: string | undefined,
): Promise<{ verdict: Verdict; text: string }> {
  // The client's own HTTP layer, so that the probe goes out as a row would; a shorter wait, one connection.
  const http = createApiHttp(config.api.apiUrl, {
    maxSockets: 1,
    timeoutMs: Math.min(config.api.timeoutMs, 15_000),
  });
  const { url } = http;
  let status: number;
  let body: string;
  let challenge: string | undefined;
  try {
    const response = await http.post('{}', token === undefined ? {} : { token });
    status = response.statusCode;
    body = response.body.slice(0, 2000);
    const header = response.headers['www-authenticate'];
    challenge = Array.isArray(header) ? header[0] : header;
  } catch (error) {
    if (error instanceof ReplyTooLargeError) {
      return {
        verdict: 'fail',
        text: `${url} answered with a reply larger than ${describeBytes(error.limitBytes)}: that is not the Leasingtaker-API. Check LEASINGTAKER_API_URL, and any proxy between here and the API.`,
      };
    }
    // Only the code: got's errors carry the request options, and with them the token.
    const code = (error as { code?: unknown }).code;
    return {
      verdict: 'fail',
      text: `${url} did not answer (${typeof code === 'string' ? code : 'unknown error'}). Check LEASINGTAKER_API_URL, and the network, proxy or firewall between here and the API.`,
    };
  } finally {
    http.close();
  }

  if (token === undefined) {
    if (status === 401 || status === 403) {
      return {
        verdict: 'skip',
        text: `${url} answers (HTTP ${status} without a token); access not checked.`,
      };
    }
  } else if (status === 400 || status === 422) {
    return {
      verdict: 'pass',
      text: `${url} answered HTTP ${status} to an empty request, as it should: reachable, and the token was accepted.`,
    };
  } else if (status === 401 || status === 403) {
    return {
      verdict: 'fail',
      text: `${url} refused the token (HTTP ${status}${reason(body, challenge)}). Check MASKINPORTEN_SCOPE and MASKINPORTEN_RESOURCE, and that Statens vegvesen has given the organisation access to the API.`,
    };
  }
  if (status === 404 || status === 405) {
    return {
      verdict: 'fail',
      text: `${url} answered HTTP ${status}: the Leasingtaker-API is not at that address. Check LEASINGTAKER_API_URL (scheme and host only; the path is added).`,
    };
  }
  if (status === 429) {
    return { verdict: 'note', text: `${url} is there but asks us to slow down (HTTP 429); try again later.` };
  }
  if (status >= 500) {
    return {
      verdict: 'fail',
      text: `${url} answered HTTP ${status}: the API or a gateway before it has trouble. Try again later; if it lasts, ask Statens vegvesen.`,
    };
  }
  return {
    verdict: 'fail',
    text: `${url} answered HTTP ${status} to an empty request, which the Leasingtaker-API would refuse with 400. Check LEASINGTAKER_API_URL.`,
  };
}

/** The server's own words about a refusal: an OAuth error and its description, never anything of ours. */
function reason(body: string, challenge: string | undefined): string {
  let error: unknown;
  let description: unknown;
  try {
    ({ error, error_description: description } = JSON.parse(body) as Record<string, unknown>);
  } catch {}
  if (typeof error !== 'string' && challenge) {
    error = /error="([^"]*)"/.exec(challenge)?.[1];
    description = /error_description="([^"]*)"/.exec(challenge)?.[1];
  }
  if (typeof error !== 'string') return '';
  return `: ${error.slice(0, 100)}${typeof description === 'string' ? `, ${description.slice(0, 200)}` : ''}`;
}

/**
 * A folder that exists must take a new file (a real write: a read-only mount or volume passes access checks
 * for root); one that does not exist yet must be creatable by the first run.
 */
async function checkFolder(path: string): Promise<{ verdict: Verdict; text: string }> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT') return { verdict: 'fail', text: `cannot be read (${info.code}).` };
    const parent = await nearestExisting(dirname(path));
    const writable = await access(parent, constants.W_OK).then(
      () => true,
      () => false,
    );
    return writable
      ? { verdict: 'pass', text: 'does not exist yet; the first run creates it.' }
      : {
          verdict: 'fail',
          text: `does not exist, and ${parent} does not let this user (uid ${process.getuid?.() ?? '?'}) create it.`,
        };
  }
  if (!info.isDirectory()) return { verdict: 'fail', text: 'is not a folder.' };
  const probe = join(path, `.leasingtaker-doctor-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
    return { verdict: 'pass', text: 'writable.' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return {
      verdict: 'fail',
      text: `is not writable (${code}): give this user (uid ${process.getuid?.() ?? '?'}) write access${code === 'EROFS' ? ', or mount it read-write' : ''}.`,
    };
  }
}

/**
 * Takes the run lock and lets it go at once, the one check that means the same whatever the lock is made of. A
 * run that starts in that instant finds it held and does nothing until its next turn.
 */
async function checkLock(state: string): Promise<{ verdict: Verdict; text: string }> {
  if (!existsSync(state)) return { verdict: 'pass', text: 'free (no state folder yet).' };
  try {
    const release = await acquireRunLock(state);
    await release();
    return { verdict: 'pass', text: 'free.' };
  } catch (error) {
    if (error instanceof RunLockedError) {
      return {
        verdict: 'note',
        text: `held: a run is working with ${state} now, and a run started meanwhile does nothing. Run doctor again when it has finished.`,
      };
    }
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { verdict: 'skip', text: `not checked (${code}).` };
  }
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    if (
      await stat(current).then(
        () => true,
        () => false,
      )
    )
      return current;
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** One line per file system the folders live on. */
async function diskSpace(folders: [string, string][]): Promise<{ verdict: Verdict; text: string }[]> {
  const byDevice = new Map<number, { labels: string[]; free: number; path: string }>();
  for (const [label, path] of folders) {
    const where = await nearestExisting(path);
    const device = (await stat(where)).dev;
    const known = byDevice.get(device);
    if (known) {
      known.labels.push(label.toLowerCase());
      continue;
    }
    const fs = await statfs(where).catch(() => undefined);
    if (fs) byDevice.set(device, { labels: [label.toLowerCase()], free: fs.bavail * fs.bsize, path: where });
  }
  return [...byDevice.values()].map(({ labels, free, path }) => ({
    verdict: free < MIN_FREE_BYTES ? 'fail' : 'pass',
    text:
      free < MIN_FREE_BYTES
        ? `Disk: only ${formatBytes(free)} free for ${labels.join(', ')} (${path}); the ledger and reports need room. Free some, or give the volume more.`
        : `Disk: ${formatBytes(free)} free for ${labels.join(', ')}.`,
  }));
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}
