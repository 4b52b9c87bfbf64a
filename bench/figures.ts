// A benchmark's figures: each a median with every run beside it, printed as a table line when noted and kept
// for the results file and its chart.

export interface Figure {
  /** The suite that measured it (`npm run bench -- <suite>`). */
  readonly suite: string;
  readonly name: string;
  /** Median, in `unit`. */
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly holds?: boolean;
  /** Every run's value, for the spread. */
  readonly runs: readonly number[];
  readonly detail?: Record<string, unknown>;
}

/** Three significant-ish digits: what a reader of the table can compare at a glance. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  if (Math.abs(value) >= 10) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}

/** The figure as one line of the table on stdout: name, median, unit, target and verdict, the runs. */
export function figureLine(figure: Figure): string {
  const spread = figure.runs.length > 1 ? `  [${figure.runs.map((v) => round(v)).join(', ')}]` : '';
  const verdict = figure.holds === undefined ? '' : figure.holds ? '  ✓' : '  ✗';
  return `  ${figure.name.padEnd(60)} ${String(round(figure.value)).padStart(9)} ${figure.unit.padEnd(8)}${
    figure.target ? ` target ${figure.target}` : ''
  }${verdict}${spread}\n`;
}
