// The crash loop shared by the CI test (test/robustness) and the soak (test/soak): `leasingtaker run` as a child
// process against the simulator in the test's own process, killed with SIGKILL at random moments, again and
// again, then run to the end. The simulator's call log says what reached the register and when; the ledger and
// the summaries say what the job believes. Both must agree, row by row.

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { CallRecord } from '../../src/simulator/types.ts';
import {
  apiCalls,
  callKey,
  createInstallation,
  dropFleet,
  filesUnder,
  findSecrets,
  type Installation,
  latestSummary,
  ledgerIntegrity,
  ledgerRows,
  notPrivate,
  type PlannedRow,
  planFleet,
  seededRandom,
} from './support.ts';

export interface CrashLoopOptions {
  /** Rows per fleet file; a new file is dropped whenever a run got to the end before its kill. */
  readonly rowsPerFile: number;
  /** SIGKILLs that must land on a running process. */
  readonly kills: number;
  readonly concurrency: number;
  /** Kill after a delay drawn uniformly from [0, maxDelayMs): start-up, reading, sending and reports all get hit. */
  readonly maxDelayMs: number;
  readonly seed: number;
  /** Simulator latency per API call, so requests are in flight when the kill comes. */
  readonly latencyMs: number;
}

export interface KillRecord {
  /** From the start of the process, or (`fromSending`) from its first API request. */
  readonly delayMs: number;
  readonly fromSending: boolean;
  /** API calls the killed run made. */
  readonly calls: number;
  /** Rows whose request reached the simulator in this run and again in a later one. */
  readonly duplicates: number;
}

export interface CrashLoopReport {
  readonly seed: number;
  readonly rows: number;
  readonly files: number;
  readonly runs: number;
  readonly kills: readonly KillRecord[];
  readonly cleanRuns: number;
  readonly apiCalls: number;
  readonly duplicates: number;
  readonly maxDuplicatesPerKill: number;
}

interface RunRecord {
  readonly from: number;
  readonly to: number;
  readonly killed: boolean;
  readonly delayMs: number;
  readonly fromSending: boolean;
}

/** Waits until the simulator has answered what a dead client left in flight (its call log stops growing). */
async function simulatorQuiet(install: Installation, latencyMs: number): Promise<void> {
  let seen = -1;
  while (install.local.sim.calls.length !== seen) {
    seen = install.local.sim.calls.length;
    await sleep(latencyMs * 3 + 50);
  }
}

export async function crashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const install = await createInstallation({ faults: { latencyMs: options.latencyMs } });
  try {
    return await loop(install, options);
  } finally {
    await install.close();
  }
}

async function loop(install: Installation, options: CrashLoopOptions): Promise<CrashLoopReport> {
  const { sim } = install.local;
  const random = seededRandom(options.seed);
  const env = { LEASINGTAKER_CONCURRENCY: String(options.concurrency) };
  const planned: PlannedRow[] = [];
  const fileNames: string[] = [];
  let nextPlate = 10_000;
  const drop = () => {
    const rows = planFleet(options.rowsPerFile, nextPlate);
    nextPlate += options.rowsPerFile;
    if (nextPlate > 99_999) throw new Error('out of plates: fewer rows per file or fewer kills');
    planned.push(...rows);
    const name = `flate-${fileNames.length + 1}.csv`;
    fileNames.push(name);
    dropFleet(install.inbox, name, rows);
  };

  const runs: RunRecord[] = [];
  let kills = 0;
  drop();
  while (kills < options.kills) {
    const from = sim.calls.length;
    const child = install.start(env);
    // Every other kill counts from the run's first request rather than from its start, so that however long
    // start-up takes on a busy machine, many kills land while requests are in flight.
    const fromSending = runs.length % 2 === 1;
    if (fromSending) {
      while (child.running() && apiCalls(sim.calls, from).length === 0) await sleep(2);
    }
    const delayMs = Math.floor(random() * (fromSending ? options.maxDelayMs / 2 : options.maxDelayMs));
    await Promise.race([sleep(delayMs), child.result]);
    if (child.running()) child.child.kill('SIGKILL');
    const result = await child.result;
    await simulatorQuiet(install, options.latencyMs);
    const killed = result.signal === 'SIGKILL';
    runs.push({ from, to: sim.calls.length, killed, delayMs, fromSending });
    if (killed) {
      kills += 1;
      // What the kill left must be a sound database, whatever it was writing.
      expect(ledgerIntegrityIfAny(install)).toBe('ok');
    } else {
      // It finished before the kill: everything so far is done, so there is room for a new file.
      expect(result.code, result.stdout + result.stderr).toBe(0);
      drop();
    }
  }

  // The next run finishes everything without anyone touching the inbox, and exits 0.
  const inboxBefore = filesUnder(install.inbox).length;
  const finalFrom = sim.calls.length;
  const final = await install.run(env);
  expect(final.code, final.stdout + final.stderr).toBe(0);
  runs.push({ from: finalFrom, to: sim.calls.length, killed: false, delayMs: -1, fromSending: false });
  expect(inboxBefore === 0 || filesUnder(install.inbox).length === 0).toBe(true);

  // And then there is nothing left to do: no call at all.
  const idleFrom = sim.calls.length;
  const idle = await install.run(env);
  expect(idle.code).toBe(0);
  expect(apiCalls(sim.calls, idleFrom)).toHaveLength(0);

  return verify(install, options, planned, fileNames, runs);
}

function ledgerIntegrityIfAny(install: Installation): string {
  return filesUnder(install.state).some((path) => path.endsWith('ledger.sqlite'))
    ? ledgerIntegrity(install.state)
    : 'ok';
}

function verify(
  install: Installation,
  options: CrashLoopOptions,
  planned: readonly PlannedRow[],
  fileNames: readonly string[],
  runs: readonly RunRecord[],
): CrashLoopReport {
  const { sim } = install.local;
  // Calls the simulator processed (an aborted upload has no plate: it never reached the register).
  const processed = (from: number, to: number) =>
    apiCalls(sim.calls, from, to).filter((call) => call.kjennemerke !== undefined);

  // Per row key: the runs in which its request reached the simulator, and what the simulator did.
  const byKey = new Map<string, { run: number; call: CallRecord }[]>();
  runs.forEach((run, index) => {
    for (const call of processed(run.from, run.to)) {
      const list = byKey.get(callKey(call)) ?? [];
      list.push({ run: index, call });
      byKey.set(callKey(call), list);
    }
  });
  const plannedByKey = new Map(planned.map((row) => [row.key, row]));
  for (const key of byKey.keys()) expect(plannedByKey.has(key), `unexpected call ${key}`).toBe(true);

  const ledger = new Map(
    ledgerRows(install.state).map((row) => [`${row.plate}|${row.handling ?? 'null'}`, row]),
  );
  for (const row of planned) {
    const calls = byKey.get(row.key) ?? [];
    // A row that failed validation has no handling in the ledger.
    const state = ledger.get(row.expected === 'invalid' ? `${row.plate}|null` : row.key);
    const where = `${row.key} (expected ${row.expected}): calls ${JSON.stringify(calls.map((c) => [c.run, c.call.result, c.call.merknadKoder]))}, ledger ${JSON.stringify(state)}`;
    if (row.expected === 'invalid') {
      expect(calls, where).toHaveLength(0);
      expect(state?.status, where).toBe('invalid');
      continue;
    }
    // At least once; never twice in one run (no faults here); more than once only across a kill.
    expect(calls.length, where).toBeGreaterThan(0);
    const runsOfRow = calls.map((c) => c.run);
    expect(new Set(runsOfRow).size, where).toBe(runsOfRow.length);
    for (const { run } of calls.slice(0, -1)) expect(runs[run]?.killed, where).toBe(true);
    if (row.expected === 'ok') {
      // Applied exactly once in the register; any resend met "already so" and is ok in the ledger.
      expect(
        calls.filter((c) => c.call.result === 'ok'),
        where,
      ).toHaveLength(1);
      expect(calls[0]?.call.result, where).toBe('ok');
      const already =
        row.handling === 'OPPRETTE' ? 'LEASINGTAKER_ER_ALLEREDE_REGISTRERT' : 'INGEN_AKTIV_LEASINGTAKER';
      for (const { call } of calls.slice(1)) expect(call.merknadKoder, where).toEqual([already]);
      expect(state?.status, where).toBe('ok');
      expect(state?.alreadySo, where).toBe(calls.length > 1 && calls.at(-1)?.call.result !== 'ok');
    } else {
      expect(state?.status, where).toBe('stopped');
    }
  }
  // Nothing in the ledger without an outcome.
  expect([...ledger.values()].filter((row) => !['ok', 'stopped', 'invalid'].includes(row.status))).toEqual(
    [],
  );

  // Each killed run's rows that went out again later: at most what can be in flight at once.
  const kills: KillRecord[] = [];
  runs.forEach((run, index) => {
    if (!run.killed) return;
    const keys = new Set(processed(run.from, run.to).map(callKey));
    let duplicates = 0;
    for (const key of keys) if ((byKey.get(key) ?? []).some((c) => c.run > index)) duplicates += 1;
    kills.push({ delayMs: run.delayMs, fromSending: run.fromSending, calls: keys.size, duplicates });
  });
  for (const kill of kills) expect(kill.duplicates).toBeLessThanOrEqual(options.concurrency);

  // The last report of each file adds up to its rows, with the resends counted as ok, not stopped.
  for (const [index, name] of fileNames.entries()) {
    const rows = planned.slice(index * options.rowsPerFile, (index + 1) * options.rowsPerFile);
    const count = (expected: string) => rows.filter((row) => row.expected === expected).length;
    expect(latestSummary(install.reports, name), name).toMatchObject({
      rows: rows.length,
      ok: count('ok'),
      stopped: count('stopped'),
      invalid: count('invalid'),
      failed: 0,
      skipped: 0,
    });
  }

  // Reports and the ledger are the owner's alone; no output line holds a fødselsnummer, token, grant or key.
  const reports = filesUnder(install.reports).filter((path) => !path.endsWith('.lock'));
  expect(notPrivate([...reports, ...filesUnder(install.state)])).toEqual([]);
  expect(
    findSecrets(install.output(), {
      fnrs: planned.map((row) => row.fnr),
      tokens: sim.issuedTokens(),
      keyFile: install.local.env.MASKINPORTEN_KEY_FILE,
    }),
  ).toEqual([]);

  const duplicates = kills.reduce((sum, kill) => sum + kill.duplicates, 0);
  return {
    seed: options.seed,
    rows: planned.length,
    files: fileNames.length,
    runs: runs.length,
    kills,
    cleanRuns: runs.filter((run) => !run.killed).length,
    apiCalls: processed(0, sim.calls.length).length,
    duplicates,
    maxDuplicatesPerKill: Math.max(0, ...kills.map((kill) => kill.duplicates)),
  };
}

export function describeReport(report: CrashLoopReport): string {
  const perKill = report.kills
    .map((kill) => `${kill.duplicates}@${kill.fromSending ? '+' : ''}${kill.delayMs}ms/${kill.calls}`)
    .join(' ');
  return (
    `seed ${report.seed}: ${report.rows} rows in ${report.files} file(s), ${report.runs} runs ` +
    `(${report.kills.length} killed, ${report.cleanRuns} to the end), ${report.apiCalls} API calls, ` +
    `${report.duplicates} rows sent twice (max ${report.maxDuplicatesPerKill} per kill). ` +
    `Per kill, duplicates@delay/calls (+: after its first request): ${perKill}`
  );
}
