/**
 * How far a file's rows have their outcome for this dispatch, as one line: every row numbered below `below` has
 * one (or was never this run's to send). Rows are claimed in file order and finish in any order, so the line is
 * the first claimed row still open, or just past the last claimed row once all of them are done. What is below
 * the line no longer changes in this run: the report may write it (job/early-report.ts).
 */
export class SettledRows {
  /** Claimed row numbers in claim order, each with whether it is done; the done ones at the front are let go. */
  readonly #claimed = new Map<number, boolean>();
  #lastClaimed = 0;

  claimed(rowNumber: number): void {
    this.#claimed.set(rowNumber, false);
    this.#lastClaimed = rowNumber;
  }

  /** Marks the row done; returns whether the line moved. */
  done(rowNumber: number): boolean {
    if (!this.#claimed.has(rowNumber)) return false;
    this.#claimed.set(rowNumber, true);
    let moved = false;
    for (const [claimed, done] of this.#claimed) {
      if (!done) break;
      this.#claimed.delete(claimed);
      moved = true;
    }
    return moved;
  }

  /** Every row numbered below this has its outcome for this dispatch. */
  get below(): number {
    for (const open of this.#claimed.keys()) return open;
    return this.#lastClaimed + 1;
  }
}
