// What one file's way through the run needs and gives back: process-file.ts and file-reports.ts share it.

import type { RunSettings } from '../config.ts';
import type { RowOutcome } from '../domain/outcome.ts';
import type { Owner } from '../domain/owner.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import type { ReportPaths } from '../report/types.ts';
import type { SendLane } from '../sending/row-sender.ts';

/** What one file's way through the run needs: the run's settings, the owner's lane, and whom to tell. */
export interface FileContext {
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly settings: Pick<RunSettings, 'reports' | 'maxRuns' | 'sheet'>;
  /** How long a taken file must be unchanged to count as complete (inbox/growth.ts). */
  readonly restMs: number;
  /** The owner's way to the API; its `halted` signal says whether, and why, sending halted. */
  readonly lane: SendLane;
  /** Aborted on SIGTERM: reading halts too. */
  readonly terminate: AbortSignal;
  readonly events: FileEvents;
}

export interface FileEvents {
  readonly onRowDone: (outcome: RowOutcome['kind']) => void;
  readonly onRowsQueued: (rows: number) => void;
  /** Told each older file whose open rows this file's rows superseded: its report is written again. */
  readonly onSuperseded?: (fileId: number) => void;
}

export interface FileResult {
  readonly fileId: number;
  readonly name: string;
  readonly owner: Owner;
  readonly status: 'done' | 'interrupted' | 'unreadable';
  readonly counts: ReturnType<Ledger['counts']>;
  /** Rows without an outcome that have had all their LEASINGTAKER_MAX_RUNS runs: a person has to look. */
  readonly givenUp: number;
  /** Why an unreadable file could not be read, in the words of its report. */
  readonly error?: string;
  readonly reports: ReportPaths;
}
