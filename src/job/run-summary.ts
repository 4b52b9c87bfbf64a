import type { RunResult } from './run.ts';

/**
 * What the run's last line sums up: the run's result, and the files it left in the inbox (not taken: still
 * being written, or the run halted first).
 */
export type RunOutcome = RunResult & { readonly inboxFiles: number };

export interface RunAttention {
  readonly configuration?: string;
  readonly accessRefused?: readonly string[];
  readonly unreadableFiles: number;
  readonly rowsGivenUp: number;
  /**
   * Why sending halted. The key keeps its older word, "stopped": it is the log line's, which operators' queries and
   * alerts select on, so the inside's new word for halting does not reach it.
   */
  readonly sendingStopped?: string;
  readonly rowsWaiting: number;
  readonly inboxFiles: number;
  /** For staff rather than operations: rows the API stopped with merknader, and rows to correct. */
  readonly rowsStopped: number;
  readonly rowsInvalid: number;
}

export interface RunSummary {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly totals: Record<'rows' | 'ok' | 'stopped' | 'failed' | 'invalid' | 'skipped', number>;
  readonly attention: RunAttention;
}

/**
 * The "Run finished" line: the totals, and what needs attention by kind, most urgent first. It says "nothing
 * to do" only when there was nothing: no file, no row waiting, nothing left in the inbox, exit 0. Its level
 * follows the exit code, so that a log query for warnings finds every run that needs a look.
 */
export function summarizeRun(outcome: RunOutcome): RunSummary {
  const totals = { rows: 0, ok: 0, stopped: 0, failed: 0, invalid: 0, skipped: 0 };
  for (const { counts } of outcome.files) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
  }
  const refused = outcome.refusedOwners ?? [];
  // Exit 2 with no owner refused: the run could not start (configuration, key, Maskinporten unreachable).
  const configuration = outcome.exitCode === 2 && refused.length === 0 ? outcome.haltReason : undefined;
  const attention: RunAttention = {
    ...(configuration ? { configuration } : {}),
    ...(refused.length > 0 ? { accessRefused: refused } : {}),
    unreadableFiles: outcome.files.filter((file) => file.status === 'unreadable').length,
    rowsGivenUp: outcome.files.reduce((sum, file) => sum + file.givenUp, 0),
    ...(!configuration && outcome.haltReason ? { sendingStopped: outcome.haltReason } : {}),
    rowsWaiting: [...(outcome.rowsWaiting?.values() ?? [])].reduce((sum, n) => sum + n, 0),
    inboxFiles: outcome.inboxFiles,
    rowsStopped: totals.stopped,
    rowsInvalid: totals.invalid,
  };

  const needs: string[] = [];
  if (attention.configuration) needs.push(`configuration: ${attention.configuration}`);
  if (attention.accessRefused) {
    const who = attention.accessRefused.map((owner) => owner || "the installation's own organisation");
    needs.push(`Maskinporten access refused for ${who.join(', ')}`);
  }
  if (attention.unreadableFiles) needs.push(`${attention.unreadableFiles} file(s) could not be read`);
  if (attention.rowsGivenUp)
    needs.push(`${attention.rowsGivenUp} row(s) given up after LEASINGTAKER_MAX_RUNS`);
  if (attention.sendingStopped) needs.push(`sending stopped: ${attention.sendingStopped}`);
  if (attention.rowsWaiting) needs.push(`${attention.rowsWaiting} row(s) wait for the next run`);
  if (attention.inboxFiles) needs.push(`${attention.inboxFiles} file(s) wait in the inbox`);
  // An exit code above 0 always names something, even a cause this summary has no figure for.
  if (outcome.exitCode === 2 && !attention.configuration && !attention.accessRefused) {
    needs.unshift('configuration or access (see the error lines above)');
  } else if (outcome.exitCode === 1 && needs.length === 0) needs.push('see the warn lines above');
  const forStaff: string[] = [];
  if (attention.rowsStopped) forStaff.push(`${attention.rowsStopped} row(s) stopped by the API`);
  if (attention.rowsInvalid) forStaff.push(`${attention.rowsInvalid} invalid row(s)`);

  const files = outcome.files.length;
  const parts = [
    files > 0
      ? `${files} file(s), ${totals.rows} rows (${totals.ok} ok, ${totals.stopped} stopped, ${totals.failed} failed, ${totals.invalid} invalid, ${totals.skipped} skipped)`
      : '',
    outcome.exitCode !== 0 ? `exit ${outcome.exitCode}` : '',
    needs.length > 0 ? `needs attention: ${needs.join('; ')}` : '',
    forStaff.length > 0 ? `for staff (see the reports): ${forStaff.join(', ')}` : '',
  ].filter((part) => part !== '');
  const message = parts.length === 0 ? 'Run finished: nothing to do' : `Run finished: ${parts.join('; ')}`;
  const level = outcome.exitCode === 2 ? 'error' : outcome.exitCode === 1 ? 'warn' : 'info';
  return { level, message, totals, attention };
}
