// A file's result workbook begun while its rows are still sent (report/early-workbook.ts): begun once the
// reader is done, so that the reader's memory and the writer's never add up; fed the rows the sender has
// settled; handed to the report at the end. Whatever goes wrong here costs only the head start: the workbook
// is then written whole after sending, as it always was, and an error that matters shows there.

import type { Logger } from '../log.ts';
import type { EarlyWorkbook, RowsWithStatus } from '../report/early-workbook.ts';

/** Settled rows gathered before they are written: one write of a few slices, not one per answer. */
const STEP = 100;

export class EarlyReport {
  readonly #start: () => Promise<EarlyWorkbook | undefined>;
  readonly #rows: RowsWithStatus;
  readonly #logger: Logger;
  #begun: Promise<EarlyWorkbook | undefined> | undefined;
  #workbook: EarlyWorkbook | undefined;
  #writing: Promise<void> | undefined;
  #settledBelow = 1;
  #writtenBelow = 1;
  /** Handed over or let go: nothing more is written here. */
  #over = false;
  /** The settled line went back: what was written early can't be trusted. */
  #wentBack = false;

  constructor(options: {
    /** Begins the workbook (report/load-writer.ts `beginEarlyWorkbook`, with the file's name and headers). */
    readonly begin: () => Promise<EarlyWorkbook | undefined>;
    /** The file's rows from the ledger. */
    readonly rows: RowsWithStatus;
    readonly logger: Logger;
  }) {
    this.#start = options.begin;
    this.#rows = options.rows;
    this.#logger = options.logger;
  }

  /** The file is read to its end: the workbook may begin. */
  begin(): void {
    if (this.#begun || this.#over) return;
    this.#begun = this.#start().then(
      (workbook) => {
        this.#workbook = workbook;
        this.#catchUp();
        return workbook;
      },
      (error: unknown) => {
        this.#logger.debug({ err: error }, 'The report was not begun early; it is written after sending');
        return undefined;
      },
    );
  }

  /** Every row numbered below `below` has its outcome (sending/settled-rows.ts). */
  settled(below: number): void {
    // The line only moves on while rows are claimed in row order, as the ledger's row ids run. Should it ever go
    // back (a row claimed below a line already told), rows written early may lack that row: written whole instead.
    if (below < this.#settledBelow) this.#wentBack = true;
    this.#settledBelow = below;
    this.#catchUp();
  }

  /** The workbook to finish, or undefined (the report then writes it whole). Nothing more is written here. */
  async handOver(): Promise<EarlyWorkbook | undefined> {
    this.#over = true;
    await this.#begun;
    while (this.#writing) await this.#writing;
    const workbook = this.#workbook;
    this.#workbook = undefined;
    if (!this.#wentBack) return workbook;
    await workbook?.discard().catch(() => undefined);
    return undefined;
  }

  /**
   * Lets an unused workbook go, its temp file and claimed name with it; nothing after a hand-over. Never throws:
   * it runs when the file's run ends either way, and must not take the place of how it ended.
   */
  async discard(): Promise<void> {
    const workbook = this.#over ? undefined : await this.handOver().catch(() => undefined);
    this.#over = true;
    await workbook?.discard().catch(() => undefined);
  }

  #catchUp(): void {
    const workbook = this.#workbook;
    if (!workbook || this.#writing || this.#over || this.#wentBack) return;
    const below = this.#settledBelow;
    if (below - this.#writtenBelow < STEP) return;
    this.#writing = workbook
      .writeBelow(this.#rows, below)
      .then(
        () => {
          this.#writtenBelow = below;
        },
        async (error: unknown) => {
          this.#logger.debug({ err: error }, 'The early report stopped; it is written after sending');
          this.#workbook = undefined;
          // A disk that failed the write may fail the removal too: the next run's leftovers take the temp file.
          await workbook.discard().catch(() => undefined);
        },
      )
      .finally(() => {
        this.#writing = undefined;
        this.#catchUp();
      });
  }
}
