// What the robustness and soak tests share: an installation on disk pointed at an in-process simulator, fleet
// files whose every row's fate is known in advance, reading back summaries and the ledger, and the checks for
// secrets in output and for private file modes.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isLedgerBackup } from '../../src/ledger/backup.ts';
import type { ReportSummary } from '../../src/report/summary.ts';
import { createRng } from '../../src/simulator/faults.ts';
import type { CallRecord, SimulatorOptions } from '../../src/simulator/types.ts';
import { createTempInstallation, type InstallationPlaces } from './harness.ts';
import { type CliOptions, type CliResult, type RunningCli, startCli } from './spawn-cli.ts';
import { fromDatePart } from './synthetic.ts';

export interface Installation extends InstallationPlaces {
  /** Environment for a spawned `run`: the simulator, the folders, no settle wait, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Starts `leasingtaker run` as a child process (as `as.uid`, when given); killed by `close()` if still running. */
  start(extra?: Record<string, string>, as?: Pick<CliOptions, 'uid' | 'gid'>): RunningCli;
  /** Runs `leasingtaker run` to its end. */
  run(extra?: Record<string, string>, as?: Pick<CliOptions, 'uid' | 'gid'>): Promise<CliResult>;
  /** Everything every child wrote to stdout and stderr so far. */
  output(): string;
  close(): Promise<void>;
}

export async function createInstallation(simulator: SimulatorOptions = {}): Promise<Installation> {
  const { dir, local, folders, env } = await createTempInstallation('leasingtaker-robust-', simulator);
  mkdirSync(folders.inbox, { recursive: true });
  const children: RunningCli[] = [];
  const start = (extra?: Record<string, string>, as: Pick<CliOptions, 'uid' | 'gid'> = {}) => {
    const child = startCli(['run'], env(extra), { cwd: dir, ...as });
    children.push(child);
    return child;
  };
  return {
    dir,
    local,
    ...folders,
    env,
    start,
    run: (extra, as) => start(extra, as).result,
    output: () =>
      children
        .map((child) => {
          const { stdout, stderr } = child.output();
          return `${stdout}\n${stderr}`;
        })
        .join('\n'),
    async close() {
      for (const child of children) {
        if (child.running()) child.child.kill('SIGKILL');
        await child.result.catch(() => undefined);
      }
      await local.sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- fleet files whose outcome is known row by row ----

/** What the simulator will make of a row. */
export type Expected = 'ok' | 'stopped' | 'invalid';

export interface PlannedRow {
  readonly plate: string;
  readonly handling: 'OPPRETTE' | 'AVSLUTTE';
  readonly fnr: string;
  readonly etternavn: string;
  readonly expected: Expected;
  /** plate|handling: unique per row in these files, so the simulator's call log maps to rows. */
  readonly key: string;
}

const SURNAMES = ['Testesen', 'Østby', 'Firkant', 'Ærø-Hansen', 'Nilsen', 'Bråten'];

/**
 * `count` synthetic persons (month + 80: Skatteetaten's test persons, known to the simulator), one per date from
 * `offset` on, so rows near each other don't share a lessee by accident.
 */
export function syntheticPersons(count: number, offset = 0): string[] {
  const persons: string[] = [];
  for (let n = offset; persons.length < count; n++) {
    const day = (n % 28) + 1;
    const month = (Math.floor(n / 28) % 12) + 1;
    const year = 1950 + (Math.floor(n / (28 * 12)) % 50);
    // Past 5 x 16,800 the numbers repeat: a lessee may lease many cars.
    const band = (Math.floor(n / (28 * 12 * 50)) % 5) * 100;
    const pad = (x: number) => String(x).padStart(2, '0');
    persons.push(fromDatePart(pad(day) + pad(month + 80) + pad(year % 100), band, 499));
  }
  return persons;
}

/** The number with its last digit changed: fails mod-11, so the row is invalid and never sent. */
export function brokenFnr(valid: string): string {
  return valid.slice(0, 10) + String((Number(valid[10]) + 1) % 10);
}

/**
 * A fleet file of `count` rows from plate number `base` (CU and XX plates `base`..`base + count - 1`, so files
 * with disjoint ranges never share a plate). Per 20 rows: one plate the register doesn't know (stopped), one
 * row with a broken fødselsnummer (invalid), one plate registered and ended again in two rows (both ok, in that
 * order: the per-plate ordering must hold under kills), the rest registered once (ok).
 */
export function planFleet(count: number, base: number): PlannedRow[] {
  const persons = syntheticPersons(count, base);
  const rows: PlannedRow[] = [];
  for (let i = 0; i < count; i++) {
    const fnr = persons[i] as string;
    const number = base + i;
    const slot = i % 20;
    const row = (
      plate: string,
      handling: PlannedRow['handling'],
      expected: Expected,
      id = fnr,
    ): PlannedRow => ({
      plate,
      handling,
      fnr: id,
      etternavn: SURNAMES[i % SURNAMES.length] as string,
      expected,
      key: `${plate}|${handling}`,
    });
    if (slot === 0) rows.push(row(`XX${number}`, 'OPPRETTE', 'stopped'));
    else if (slot === 1) rows.push(row(`CU${number}`, 'OPPRETTE', 'invalid', brokenFnr(fnr)));
    else if (slot === 2) rows.push(row(`CU${number}`, 'OPPRETTE', 'ok'));
    else if (slot === 3) {
      // The same plate and lessee as the row before: ends what that row registered.
      const before = rows[rows.length - 1] as PlannedRow;
      rows.push({ ...before, handling: 'AVSLUTTE', key: `${before.plate}|AVSLUTTE`, expected: 'ok' });
    } else rows.push(row(`CU${number}`, 'OPPRETTE', 'ok'));
  }
  return rows;
}

/**
 * `count` rows, each on its own plate: every 25th a plate the register doesn't know (stopped), the rest
 * registered once (ok). For faults that may apply a request late (a slow reply is still processed after the
 * client gave up), where two rows of one plate could meet out of order in the register.
 */
export function planSingles(count: number, base: number): PlannedRow[] {
  const persons = syntheticPersons(count, base);
  return persons.map((fnr, i) => {
    const plate = i % 25 === 0 ? `XX${base + i}` : `CU${base + i}`;
    return {
      plate,
      handling: 'OPPRETTE',
      fnr,
      etternavn: SURNAMES[i % SURNAMES.length] as string,
      expected: i % 25 === 0 ? 'stopped' : 'ok',
      key: `${plate}|OPPRETTE`,
    };
  });
}

export function fleetCsv(rows: readonly PlannedRow[]): string {
  const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn;Merknad'];
  for (const row of rows) lines.push(`${row.plate};${row.handling};${row.fnr};${row.etternavn};rad`);
  return `${lines.join('\r\n')}\r\n`;
}

export function dropFleet(inbox: string, name: string, rows: readonly PlannedRow[]): void {
  // Written under a hidden name and renamed in, as a copy tool would: a run never sees half a file.
  const temp = join(inbox, `.${name}.part`);
  writeFileSync(temp, fleetCsv(rows));
  renameSync(temp, join(inbox, name));
}

// ---- reading back ----

/** What a summary.json holds, as the report writer declares it. */
export type Summary = ReportSummary;

export function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true);
}

/** The files under a folder, as paths below it (`/owner/name.xlsx`): what a person sees there. */
export function filesBelow(dir: string): string[] {
  return filesUnder(dir).map((path) => path.slice(dir.length));
}

/** The input files in the archive: everything under it but the job's own backup of the ledger. */
export function archivedInputs(archive: string): string[] {
  return filesUnder(archive).filter((path) => !isLedgerBackup(path));
}

/** Every summary written, by input file name, newest last. */
export function summariesByFile(reports: string): Map<string, Summary[]> {
  const byFile = new Map<string, Summary[]>();
  for (const path of filesUnder(reports).filter((p) => p.endsWith('.summary.json'))) {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
    byFile.set(summary.file, [...(byFile.get(summary.file) ?? []), summary]);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  return byFile;
}

export function latestSummary(reports: string, file: string): Summary | undefined {
  return summariesByFile(reports).get(file)?.at(-1);
}

export interface LedgerRowState {
  readonly file: string;
  readonly rowNumber: number;
  readonly plate: string;
  readonly handling: string | null;
  readonly status: string;
  readonly alreadySo: boolean;
  readonly runs: number;
  readonly attempts: number;
}

/** The ledger's rows, read with a connection of the test's own (read-only). */
export function ledgerRows(state: string): LedgerRowState[] {
  const db = new DatabaseSync(join(state, 'ledger.sqlite'), { readOnly: true });
  try {
    const rows = db
      .prepare(`SELECT f.name AS file, r.row_number, r.plate, r.handling, r.status, r.already_so, r.runs,
          r.attempts FROM rows r JOIN files f ON f.id = r.file_id ORDER BY r.id`)
      .all() as {
      file: string;
      row_number: number;
      plate: string;
      handling: string | null;
      status: string;
      already_so: number;
      runs: number;
      attempts: number;
    }[];
    return rows.map((row) => ({
      file: row.file,
      rowNumber: row.row_number,
      plate: row.plate,
      handling: row.handling,
      status: row.status,
      alreadySo: row.already_so === 1,
      runs: row.runs,
      attempts: row.attempts,
    }));
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of the ledger as a kill left it: 'ok' or the damage found. */
export function ledgerIntegrity(state: string): string {
  const db = new DatabaseSync(join(state, 'ledger.sqlite'), { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

export function apiCalls(calls: readonly CallRecord[], from = 0, to = calls.length): CallRecord[] {
  return calls.slice(from, to).filter((call) => call.endpoint === 'api');
}

export const callKey = (call: CallRecord): string => `${call.kjennemerke}|${call.handling}`;

// ---- secrets and modes ----

/**
 * Every secret that must never appear in output: the fødselsnummer of the input, the access tokens the
 * simulator issued, the lines of the private key, and anything shaped like a JWT (a grant).
 */
export function findSecrets(
  output: string,
  secrets: { fnrs: readonly string[]; tokens: readonly string[]; keyFile?: string },
): string[] {
  const found: string[] = [];
  for (const fnr of new Set(secrets.fnrs)) if (output.includes(fnr)) found.push(`fødselsnummer ${fnr}`);
  for (const token of secrets.tokens)
    if (output.includes(token)) found.push(`access token ${token.slice(0, 6)}…`);
  if (secrets.keyFile) {
    const body = readFileSync(secrets.keyFile, 'utf8')
      .split('\n')
      .filter((line) => line.length >= 32 && !line.startsWith('-----'));
    for (const line of body) if (output.includes(line)) found.push('a line of the private key');
    // A PEM block with a body (the bare BEGIN line may appear in a hint about the expected format).
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16,}/.test(output))
      found.push('a PEM private key');
  }
  // A JWT: base64url JSON header `{"` … , three dot-separated parts.
  const jwt = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.exec(output);
  if (jwt) found.push(`a JWT ${jwt[0].slice(0, 12)}…`);
  return found;
}

/** Files among `paths` that anyone but the owner may read or write. */
export function notPrivate(paths: readonly string[]): string[] {
  return paths
    .filter((path) => (statSync(path).mode & 0o077) !== 0)
    .map((path) => `${path} ${(statSync(path).mode & 0o777).toString(8)}`);
}

/** A small seeded random source (the simulator's mulberry32), so a failing loop can be repeated with its seed. */
export const seededRandom = createRng;

/**
 * One run of a small file, then the backup marked older than the ledger, as a run killed since would leave it:
 * `ledger restore` then looks for archived inputs the backup does not know. Returns the run's day folder.
 */
export async function runWithBackupBehind(install: Installation): Promise<string> {
  dropFleet(install.inbox, 'jan.csv', planSingles(2, 49_700));
  const first = await install.run();
  if (first.code !== 0) throw new Error(`the first run failed: ${first.stdout}${first.stderr}`);
  const [archived] = archivedInputs(install.archive);
  if (!archived) throw new Error('jan.csv was not archived');
  writeFileSync(join(install.archive, '.ledger-backup.behind'), '{"since":"2026-12-01T00:00:00.000Z"}\n');
  return dirname(archived);
}
