import type { Owner } from '../domain/owner.ts';

/** What a run is told by its configuration (config.ts reads it from the environment and flags). */
export interface RunSettings {
  /** `SETTINGS.inbox` (settings.ts, the one table of settings); sub-folders named by orgnr for delegated owners. */
  readonly inbox: string;
  /** `SETTINGS.reports`. */
  readonly reports: string;
  /** `SETTINGS.state`. */
  readonly state: string;
  /** `SETTINGS.archive`. */
  readonly archive: string;
  /** `SETTINGS.concurrency`, shared by all fleet owners. */
  readonly concurrency: number;
  /** `SETTINGS.maxRps`. */
  readonly maxRps?: number;
  /** `SETTINGS.maxRuns`. */
  readonly maxRuns: number;
  /** `SETTINGS.settleMs` (size and modification time unchanged). */
  readonly settleMs: number;
  /** `SETTINGS.sheet`. */
  readonly sheet?: string;
  /** `SETTINGS.ownerWeights`; 1 each when not listed. */
  readonly ownerWeights?: ReadonlyMap<Owner, number>;
  /** `SETTINGS.retentionDays` (inbox/retention.ts). */
  readonly retentionDays?: number;
}
