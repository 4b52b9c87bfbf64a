// The result workbook begun while its file is still being sent. exceljs writes a table row in ~45 µs: written
// after the last answer, 20,000 Vellykket rows keep the run up for another second while the API is done.
// Begun early, the Vellykket rows go in as they settle (every row below the sender's line has its outcome,
// sending/settled-rows.ts), while the job mostly waits on the API; after the last answer only the rows since,
// the Oppsummering and the other sheets are left. It makes the same workbook as `writeWorkbook`: rows in row
// order, the widths from the same first rows, the same fitting.

import { stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import type { LedgerRow, RowRange, RowStatus } from '../ledger/types.ts';
import { createWorkbookWriter } from './excel.ts';
import { Fitting } from './excel-limits.ts';
import { canPutSheetFirst, putSheetFirst } from './exceljs-internals.ts';
import {
  openPrivateOutput,
  type PrivateOutput,
  type Reservation,
  removeQuietly,
  reportNames,
  reserveReportSet,
  tempPathFor,
} from './files.ts';
import { type RowSheet, rowSheets } from './row-sheets.ts';
import type { TableSheet } from './table-sheet.ts';
import type { ReportInput } from './types.ts';
import { commitWorkbook, type RetryInfo, startRowSheet, writeOverview, writeRowSheet } from './workbook.ts';

/** Rows read from the ledger and written in one go: a few ms of the event loop, between answers. */
const SLICE = 100;

export type RowsWithStatus = (statuses: readonly RowStatus[], range: RowRange) => Iterable<LedgerRow>;

export class EarlyWorkbook {
  /** The report set's name, claimed for this workbook's file (files.ts `reserveReportSet`). */
  readonly reservation: Reservation;
  /** The temp file the workbook is written to; renamed by the caller once the set is complete. */
  readonly path: string;
  readonly #output: PrivateOutput;
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  /** The row sheets after the first, written once sending is over. */
  readonly #rest: readonly RowSheet[];
  readonly #first: TableSheet<LedgerRow>;
  readonly #firstStatuses: readonly RowStatus[];
  readonly #fitting = new Fitting();
  /** The first sheet's rows numbered up to this are written. */
  #through = 0;
  /** The temp file's identity on disk, to tell it from nothing or another file at its path later. */
  readonly #file: FileIdentity;

  private constructor(
    reservation: Reservation,
    path: string,
    output: PrivateOutput,
    file: FileIdentity,
    headers: readonly string[],
  ) {
    this.reservation = reservation;
    this.path = path;
    this.#output = output;
    this.#file = file;
    this.#workbook = createWorkbookWriter(output.stream);
    const [first, ...rest] = rowSheets(headers);
    if (!first) throw new Error('a report has row sheets');
    this.#first = startRowSheet(this.#workbook, first, output, this.#fitting);
    this.#firstStatuses = first.statuses;
    this.#rest = rest;
  }

  /**
   * Claims the report set's name in `reportsDir` and opens the workbook's temp file. Resolves undefined when
   * this exceljs cannot put a sheet first: the workbook is then written after the run, as it always was.
   */
  static async begin(
    reportsDir: string,
    fileName: string,
    runStartedAt: Date,
    headers: readonly string[],
  ): Promise<EarlyWorkbook | undefined> {
    const reservation = await reserveReportSet(reportsDir, fileName, runStartedAt);
    const path = tempPathFor(reportsDir, reportNames(reservation.prefix).xlsx);
    let output: PrivateOutput | undefined;
    try {
      output = await openPrivateOutput(path);
      const early = new EarlyWorkbook(reservation, path, output, await identify(path), headers);
      if (canPutSheetFirst(early.#workbook)) return early;
      await early.discard();
      return undefined;
    } catch (error) {
      output?.abort();
      await removeQuietly([path]);
      await reservation.release();
      throw error;
    }
  }

  /**
   * Whether the temp file is still where it was begun. The reports folder may have been removed (or moved) while
   * the rows were sent: the workbook is then written on into a file nobody can rename, and is written whole
   * instead, into the folder as it is now.
   */
  async inPlace(): Promise<boolean> {
    const now = await identify(this.path).catch(() => undefined);
    return now?.dev === this.#file.dev && now.ino === this.#file.ino;
  }

  /** The first sheet's rows numbered below `below` not written yet, a slice at a time, yielding between. */
  async writeBelow(rows: RowsWithStatus, below: number): Promise<void> {
    while (this.#through + 1 < below) {
      const before = Math.min(below, this.#through + SLICE + 1);
      // Read whole before writing: the ledger's statement is not left open across the writer's waits.
      const slice = [...rows(this.#firstStatuses, { after: this.#through, before })];
      await this.#first.add(slice);
      this.#through = before - 1;
      await nextTurn();
    }
  }

  /**
   * Writes the rest: the first sheet's rows since, the Oppsummering (put first), the other row sheets; then
   * commits. Returns what writing had to fit to Excel's limits, as `writeWorkbook` does.
   */
  async finish(input: ReportInput, retry: RetryInfo | null, said: Fitting): Promise<Fitting> {
    const output = this.#output;
    const workbook = this.#workbook;
    try {
      await this.#first.add(input.rowsWithStatus(this.#firstStatuses, { after: this.#through }));
      await this.#first.end();
      const overview = writeOverview(workbook, input, retry, said, this.#fitting);
      for (const sheet of this.#rest) {
        await writeRowSheet(workbook, sheet, input.rowsWithStatus(sheet.statuses), output, this.#fitting);
      }
      putSheetFirst(workbook, overview);
      await commitWorkbook(workbook, output);
      return this.#fitting;
    } catch (error) {
      output.abort();
      throw error;
    }
  }

  /** Lets it go unfinished: the temp file is removed and the name given back. */
  async discard(): Promise<void> {
    this.#output.abort();
    await removeQuietly([this.path]);
    await this.reservation.release();
  }
}

interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

async function identify(path: string): Promise<FileIdentity> {
  const { dev, ino } = await stat(path);
  return { dev, ino };
}
