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

/** One panel of horizontal bars (median, with a whisker from min to max); returns its SVG and height. */
function panel(
  title: string,
  unit: string,
  bars: readonly Bar[],
  top: number,
  line?: { value: number; label: string },
): { svg: string; height: number } {
  const scaleMax = Math.max(...bars.map((b) => b.max), line?.value ?? 0) * 1.1 || 1;
  const x = (value: number) => LABEL + (value / scaleMax) * (WIDTH - LABEL - 70);
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
  if (line) {
    parts.push(
      `<line x1="${x(line.value).toFixed(1)}" x2="${x(line.value).toFixed(1)}" y1="${top + 24}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`,
      `<text x="${x(line.value).toFixed(1)}" y="${bottom + 12}" fill="#c00" text-anchor="middle">${xmlText(line.label)}</text>`,
    );
  }
  return { svg: parts.join('\n'), height: bottom - top + 20 };
}

const bar = (figure: ChartFigure, label: string, color: string): Bar => ({
  label,
  value: figure.value,
  min: Math.min(...figure.runs),
  max: Math.max(...figure.runs),
  color,
});

/** The SVG for a benchmark report (the JSON's `figures`, `machine`, `commit`, `at`). */
export function chartSvg(report: {
  at: string;
  commit: string;
  machine: { cores: number; node: string };
  figures: readonly ChartFigure[];
}): string {
  const rates: Bar[] = [];
  for (const figure of report.figures) {
    if (figure.unit !== 'rows/s') continue;
    if (figure.suite === 'throughput' && figure.name.startsWith('job')) {
      const bound = Number(report.figures.find((f) => f.suite === 'throughput')?.detail?.bound);
      if (Number.isFinite(bound)) {
        rates.push({ label: 'bound C/L (40 ms, C16)', value: bound, min: bound, max: bound, color: '#bbb' });
      }
      rates.push(bar(figure, 'job, 5,000 rows (40 ms, C16)', '#2b6cb0'));
    } else if (figure.suite === 'peers') {
      const peer = String(figure.detail?.peer ?? '');
      const latency = Number(figure.detail?.latency);
      const color = peer === 'job' ? '#2b6cb0' : peer === 'newman' ? '#dd6b20' : '#718096';
      const name =
        peer === 'job' ? 'job, C16' : peer === 'newman' ? 'newman (CSV data)' : 'sequential got.post';
      rates.push(bar(figure, `${name} (${latency} ms)`, color));
    } else if (figure.suite === 'bare' && figure.name.startsWith('bare loop')) {
      rates.push(bar(figure, figure.name.replace(' rows/s', ''), '#a0aec0'));
    }
  }
  const memory = report.figures
    .filter((f) => f.suite === 'memory' && f.unit === 'MB')
    .map((f) => bar(f, f.name.replace(': peak RSS', ''), f.name.startsWith('run') ? '#2f855a' : '#68d391'));
  const panels: string[] = [];
  let top = 40;
  if (rates.length > 0) {
    const p = panel('Rows a second, whole process (median; line: min to max)', 'rows/s', rates, top);
    panels.push(p.svg);
    top += p.height + 10;
  }
  if (memory.length > 0) {
    const p = panel('Peak RSS per input case', 'MB', memory, top, { value: 200, label: '200 MB' });
    panels.push(p.svg);
    top += p.height + 10;
  }
  const header = `leasingtaker-batch ${report.commit}, ${report.at.slice(0, 16).replace('T', ' ')} UTC, ${report.machine.cores} cores, Node ${report.machine.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14">${xmlText(header)}</text>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

export function writeChart(path: string, report: Parameters<typeof chartSvg>[0]): string {
  writeFileSync(path, chartSvg(report));
  return path;
}
