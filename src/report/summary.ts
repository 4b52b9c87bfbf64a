// The machine-readable summary beside each report: what a script or a monitoring job reads.

import type { OutcomeCounts } from '../ledger/types.ts';
import type { ReportInput } from './types.ts';

export interface ReportSummary {
  readonly file: string;
  /** The fleet owner's organisasjonsnummer, for delegated files only. */
  readonly owner?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly rows: number;
  readonly ok: number;
  readonly stopped: number;
  readonly failed: number;
  readonly invalid: number;
  readonly skipped: number;
  /** How many of `failed` were never tried. */
  readonly pending: number;
  /** How many of `skipped` were hidden in the workbook, and so not sent. */
  readonly hidden: number;
  /** How many of `skipped` were taken over by a newer file that repeats their change. */
  readonly superseded: number;
  readonly error?: string;
  /** What the report's Oppsummering says under "Merk" (a stopped run, a file still being written). */
  readonly notice?: string;
  /** File names (not paths) in the same folder. */
  readonly report: string;
  readonly retry: string | null;
}

const OUTCOMES = ['ok', 'stopped', 'failed', 'invalid', 'skipped'] as const;

/** Counts that don't add up are a bug upstream; a report that says otherwise would be believed. */
export function assertCounts(counts: OutcomeCounts, pending: number): void {
  for (const [key, value] of [...Object.entries(counts), ['pending', pending] as const]) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`Rapport: antallet ${key} er ${value}, ikke et heltall ≥ 0 (feil i programmet)`);
    }
  }
  const sum = OUTCOMES.reduce((total, key) => total + counts[key], 0);
  if (sum !== counts.rows) {
    throw new Error(`Rapport: ${counts.rows} rader, men utfallene summerer til ${sum} (feil i programmet)`);
  }
  if (pending > counts.failed) {
    throw new Error(
      `Rapport: ${pending} rader ikke sendt, men bare ${counts.failed} feilet (feil i programmet)`,
    );
  }
}

export function buildSummary(input: ReportInput, report: string, retry: string | null): ReportSummary {
  const { counts, file } = input;
  assertCounts(counts, input.pending);
  return {
    file: file.name,
    ...(file.owner ? { owner: file.owner } : {}),
    startedAt: input.runStartedAt.toISOString(),
    finishedAt: input.runFinishedAt.toISOString(),
    rows: counts.rows,
    ok: counts.ok,
    stopped: counts.stopped,
    failed: counts.failed,
    invalid: counts.invalid,
    skipped: counts.skipped,
    pending: input.pending,
    hidden: input.hidden ?? 0,
    superseded: input.superseded ?? 0,
    ...(file.error ? { error: file.error } : {}),
    ...(input.notice ? { notice: input.notice } : {}),
    report,
    retry,
  };
}
