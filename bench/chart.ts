// The benchmark's figures as a small SVG chart beside its JSON: rows a second of the job against the bound
// and the peers, and peak memory per input case against the 200 MB target. Plain SVG text: no dependency.

import { writeFileSync } from 'node:fs';

interface ChartFigure {
  readonly suite: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly runs: readonly number[];
  readonly detail?: Record<string, unknown>;
}

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly color: string;
}

const WIDTH = 760;
const LABEL = 330;
const BAR = 18;
const GAP = 6;

const xmlText = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const shown = (value: number): string =>
  value >= 100 ? String(Math.round(value)) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** Round steps for an axis: 1, 2 or 5 times a power of ten, about four of them up to `max`. */
function ticks(max: number): number[] {
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const out: number[] = [];
  for (let t = 0; t <= max; t += step) out.push(t);
  return out;
}

/**
 * One panel of horizontal bars (median, with a whisker from min to max) on its own scale, with an axis under
 * it and, if given, a dashed line for the bound or the target; returns its SVG and height.
 */
function panel(
  title: string,
  unit: string,
  bars: readonly Bar[],
  top: number,
  line?: { value: number; label: string },
): { svg: string; height: number } {
  const scaleMax = Math.max(...bars.map((b) => b.max), line?.value ?? 0) * 1.15 || 1;
  const x = (value: number) => LABEL + (value / scaleMax) * (WIDTH - LABEL - 90);
  const parts = [`<text x="10" y="${top + 16}" font-weight="bold">${xmlText(title)}</text>`];
  bars.forEach((bar, i) => {
    const y = top + 28 + i * (BAR + GAP);
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end">${xmlText(bar.label)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(bar.value) - LABEL).toFixed(1)}" height="${BAR}" fill="${bar.color}"/>`,
      `<line x1="${x(bar.min).toFixed(1)}" x2="${x(bar.max).toFixed(1)}" y1="${y + BAR / 2}" y2="${y + BAR / 2}" stroke="#222"/>`,
      `<text x="${(x(bar.max) + 6).toFixed(1)}" y="${y + 13}">${shown(bar.value)} ${xmlText(unit)}</text>`,
    );
  });
  const bottom = top + 28 + bars.length * (BAR + GAP);
  // The axis: a base line with round values, so a bar's length reads as a number without its label.
  parts.push(
    `<line x1="${LABEL}" x2="${x(scaleMax).toFixed(1)}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`,
  );
  for (const t of ticks(scaleMax)) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${bottom}" y2="${bottom + 4}" stroke="#888"/>`,
      `<text x="${x(t).toFixed(1)}" y="${bottom + 15}" fill="#555" font-size="10" text-anchor="middle">${Number.isInteger(t) ? t : t.toPrecision(2)}</text>`,
    );
  }
  if (line) {
    parts.push(
      `<line x1="${x(line.value).toFixed(1)}" x2="${x(line.value).toFixed(1)}" y1="${top + 24}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`,
      `<text x="${x(line.value).toFixed(1)}" y="${top + 20}" fill="#c00" text-anchor="middle">${xmlText(line.label)}</text>`,
    );
  }
  return { svg: parts.join('\n'), height: bottom - top + 28 };
}

const bar = (figure: ChartFigure, label: string, color: string): Bar => ({
  label,
  value: figure.value,
  min: Math.min(...figure.runs),
  max: Math.max(...figure.runs),
  color,
});

const JOB = '#2b6cb0';
const BARE = '#a0aec0';
const NEWMAN = '#dd6b20';
const SEQUENTIAL = '#718096';

/** Reply time and concurrency as a figure's name gives them: `(40 ms, C16)`, `(200 ms)`. */
function conditions(figure: ChartFigure): { latency: number; concurrency?: number } | undefined {
  const match = /\((?:[^)]*?, )?(\d+) ms(?:, C(\d+))?\)/.exec(figure.name);
  if (!match) return undefined;
  return { latency: Number(match[1]), ...(match[2] ? { concurrency: Number(match[2]) } : {}) };
}

/** The SVG for a benchmark report (the JSON's `figures`, `machine`, `commit`, `at`). */
export function chartSvg(report: {
  at: string;
  commit: string;
  machine: { cores: number; node: string };
  figures: readonly ChartFigure[];
}): string {
  // Rows a second, one panel per reply time: a rate only compares with rates at the same reply time, and
  // one scale for 10 ms and 200 ms would squash the slower ones to slivers.
  const groups = new Map<number, { bars: Bar[]; bound?: { value: number; label: string } }>();
  const group = (latency: number) => {
    let known = groups.get(latency);
    if (!known) {
      known = { bars: [] };
      groups.set(latency, known);
    }
    return known;
  };
  const withBound = (latency: number, concurrency: number | undefined) => {
    const g = group(latency);
    if (latency > 0 && concurrency && !g.bound) {
      g.bound = {
        value: concurrency / (latency / 1000),
        label: `bound C/L = ${concurrency / (latency / 1000)}`,
      };
    }
    return g;
  };
  const throughputShare = report.figures.find((f) => f.suite === 'throughput' && f.unit === '');
  for (const figure of report.figures) {
    if (figure.unit !== 'rows/s') continue;
    if (figure.suite === 'throughput' && throughputShare) {
      const at = conditions(throughputShare);
      if (!at) continue;
      const rows = Number(throughputShare.detail?.rows);
      const size = Number.isFinite(rows) ? `${rows.toLocaleString('en')} rows, ` : '';
      const isBare = figure.name.startsWith('bare');
      withBound(at.latency, at.concurrency).bars.push(
        bar(figure, `${isBare ? 'bare got loop' : 'job'}, ${size}C${at.concurrency}`, isBare ? BARE : JOB),
      );
    } else if (figure.suite === 'peers') {
      const peer = String(figure.detail?.peer ?? '');
      const latency = Number(figure.detail?.latency);
      const g = withBound(latency, peer === 'job' ? 16 : undefined);
      if (peer === 'job') g.bars.push(bar(figure, 'job, 4,000 rows, C16 (peers suite)', JOB));
      else if (peer === 'newman') g.bars.push(bar(figure, 'newman, CSV data (one at a time)', NEWMAN));
      else g.bars.push(bar(figure, 'sequential await got.post', SEQUENTIAL));
    } else if (figure.suite === 'bare') {
      const at = conditions(figure);
      if (!at) continue;
      const isBare = figure.name.startsWith('bare');
      withBound(at.latency, at.concurrency).bars.push(
        bar(figure, `${isBare ? 'bare got loop' : 'job'}, C${at.concurrency}`, isBare ? BARE : JOB),
      );
    }
  }
  const memory = report.figures
    .filter((f) => f.suite === 'memory' && f.unit === 'MB')
    .map((f) => bar(f, f.name.replace(': peak RSS', ''), f.name.startsWith('run') ? '#2f855a' : '#68d391'));
  const panels: string[] = [];
  let top = 44;
  for (const [latency, g] of [...groups].sort((a, b) => b[0] - a[0])) {
    const title = `${latency} ms reply time: rows a second`;
    const p = panel(title, 'rows/s', g.bars, top, g.bound);
    panels.push(p.svg);
    top += p.height + 10;
  }
  if (memory.length > 0) {
    const p = panel('Peak RSS per input case', 'MB', memory, top, {
      value: 200,
      label: 'target 200 MB',
    });
    panels.push(p.svg);
    top += p.height + 10;
  }
  const header = `leasingtaker-batch ${report.commit}, ${report.at.slice(0, 16).replace('T', ' ')} UTC, ${report.machine.cores} cores, Node ${report.machine.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14">${xmlText(header)}</text>`,
    `<text x="10" y="36" fill="#555" font-size="11">Whole processes, start to exit. Bars: medians; whiskers: min to max of the runs.</text>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

export function writeChart(path: string, report: Parameters<typeof chartSvg>[0]): string {
  writeFileSync(path, chartSvg(report));
  return path;
}
