import type { Owner } from '../domain/owner.ts';

/** What a run is told by its configuration (config.ts reads it from the environment and flags). */
export interface RunSettings {
  /** LEASINGTAKER_INBOX, default `./inbox`: where staff drop fleet files; sub-folders named by orgnr for delegated owners. */
  readonly inbox: string;
  /** LEASINGTAKER_REPORTS, default `./reports`: result spreadsheets, summaries and retry files. */
  readonly reports: string;
  /** LEASINGTAKER_STATE, default `./state`: the ledger and the run lock. Keep it; it is the job's memory. */
  readonly state: string;
  /** LEASINGTAKER_ARCHIVE, default `./archive`: every input file after it is taken, kept for LEASINGTAKER_RETENTION_DAYS. */
  readonly archive: string;
  /** LEASINGTAKER_CONCURRENCY, default 4: requests in flight at once, shared by all fleet owners. */
  readonly concurrency: number;
  /** LEASINGTAKER_MAX_RPS, default none: at most this many requests started per second. */
  readonly maxRps?: number;
  /** LEASINGTAKER_MAX_RUNS, default 5: runs that retry a technically failed row before it is left for a person. */
  readonly maxRuns: number;
  /** LEASINGTAKER_SETTLE_MS, default 1000: a file must keep its size and mtime this long to be taken. */
  readonly settleMs: number;
  /** `--sheet`: the worksheet to read in .xlsx files; default the first visible one. */
  readonly sheet?: string;
  /** LEASINGTAKER_OWNER_WEIGHTS: request slots per turn for each fleet owner (`own` = ours); default 1 each. */
  readonly ownerWeights?: ReadonlyMap<Owner, number>;
  /** LEASINGTAKER_RETENTION_DAYS: reports, archived inputs and ledger personal data older than this go (retention.ts). */
  readonly retentionDays?: number;
}
