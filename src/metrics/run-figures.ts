import { type Owner, ownerLabel } from '../domain/owner.ts';

/** Row outcomes as the metrics name them; `failed` (tried, failed technically) and `pending` (not sent) apart. */
export const ROW_OUTCOMES = ['ok', 'stopped', 'failed', 'invalid', 'skipped', 'pending'] as const;
export type RowOutcomeLabel = (typeof ROW_OUTCOMES)[number];

/** One run's figures, as every metrics sink (Pushgateway, textfile, `watch`'s /metrics) publishes them. */
export interface RunFigures {
  /** Start and end of the run, ms since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly exitCode: number;
  /** Rows of the files the run worked on, by owner label and outcome, as their reports count them. */
  readonly rows: ReadonlyMap<string, Readonly<Record<RowOutcomeLabel, number>>>;
  /** Rows the run gave up after LEASINGTAKER_MAX_RUNS, by owner label. */
  readonly rowsGivenUp: ReadonlyMap<string, number>;
  /** API requests by HTTP status, `0` for no reply (network error, timeout). */
  readonly apiRequests: ReadonlyMap<string, number>;
  /** Rows the run sent, by the outcome of their request (ok, stopped, failed): events, for counters. */
  readonly rowsSent: ReadonlyMap<string, number>;
  /** Rows later runs will still send, by owner label; undefined when neither this run nor an earlier one knew. */
  readonly rowsWaiting?: ReadonlyMap<string, number>;
  /** Files left in the inbox at the end, by owner label. */
  readonly inboxFiles: ReadonlyMap<string, number>;
  /** End of the last run that exited 0 (this one or an earlier one), ms since the epoch. */
  readonly lastSuccessAt?: number;
}

/**
 * What the figures need of one file's result (the run's `FileResult` has it): said here, so that metrics/ does
 * not reach up into the job that feeds it.
 */
export interface FileFigures {
  readonly owner: Owner;
  readonly counts: {
    readonly ok: number;
    readonly stopped: number;
    readonly failed: number;
    readonly invalid: number;
    readonly skipped: number;
    readonly pending: number;
  };
  /** Rows left for a person after LEASINGTAKER_MAX_RUNS runs. */
  readonly givenUp: number;
}

/** Collects a run's figures as it goes: one per run, fed by the run's hooks and the API client's replies. */
export class RunFiguresCollector {
  readonly startedAt: number;
  readonly #rows = new Map<string, Record<RowOutcomeLabel, number>>();
  readonly #givenUp = new Map<string, number>();
  readonly #api = new Map<string, number>();
  readonly #sent = new Map<string, number>();

  constructor(startedAt: number = Date.now()) {
    this.startedAt = startedAt;
  }

  /** Every reply of the API, or `undefined` when there was none. */
  apiReply(status: number | undefined): void {
    const key = String(status ?? 0);
    this.#api.set(key, (this.#api.get(key) ?? 0) + 1);
  }

  /** Every row the run sent, with the kind of its outcome. */
  rowSent(outcome: string): void {
    this.#sent.set(outcome, (this.#sent.get(outcome) ?? 0) + 1);
  }

  fileDone(result: FileFigures): void {
    const owner = ownerLabel(result.owner);
    const rows = this.#rows.get(owner) ?? {
      ok: 0,
      stopped: 0,
      failed: 0,
      invalid: 0,
      skipped: 0,
      pending: 0,
    };
    const { counts } = result;
    rows.ok += counts.ok;
    rows.stopped += counts.stopped;
    rows.failed += counts.failed - counts.pending;
    rows.invalid += counts.invalid;
    rows.skipped += counts.skipped;
    rows.pending += counts.pending;
    this.#rows.set(owner, rows);
    this.#givenUp.set(owner, (this.#givenUp.get(owner) ?? 0) + result.givenUp);
  }

  finish(end: {
    readonly exitCode: number;
    readonly finishedAt?: number;
    readonly rowsWaiting?: ReadonlyMap<string, number>;
    readonly inboxFiles?: ReadonlyMap<string, number>;
    readonly lastSuccessAt?: number;
  }): RunFigures {
    const byLabel = (map: ReadonlyMap<string, number> | undefined) =>
      map && new Map([...map].map(([owner, n]) => [ownerLabel(owner), n]));
    return {
      startedAt: this.startedAt,
      finishedAt: end.finishedAt ?? Date.now(),
      exitCode: end.exitCode,
      rows: new Map(this.#rows),
      rowsGivenUp: new Map(this.#givenUp),
      apiRequests: new Map(this.#api),
      rowsSent: new Map(this.#sent),
      ...(end.rowsWaiting ? { rowsWaiting: byLabel(end.rowsWaiting) } : {}),
      inboxFiles: byLabel(end.inboxFiles) ?? new Map(),
      ...(end.lastSuccessAt !== undefined ? { lastSuccessAt: end.lastSuccessAt } : {}),
    };
  }
}
