// `node bench/profile-summary.ts <file.cpuprofile | dir> [--top N] [--rows R]`: what a V8 CPU profile
// (`node --cpu-prof`, or `npm run bench -- --profile`) spent its time on, as text: self time by package or
// source file, and the top functions by self and by total time. With --rows, times are also given per row
// (µs/row), which is how the benchmark's README reads them.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const top = flag('--top', 25);
/** `--phases a,b,c`: for each named function, the first and last moment it was on the stack (ms from start). */
const phasesAt = args.indexOf('--phases');
const phases = phasesAt >= 0 ? (args[phasesAt + 1] ?? '').split(',').filter(Boolean) : [];
const rows = flag('--rows', 0);
const target = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!target) {
  process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile | dir> [--top N] [--rows R]\n');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(target, name))
  : [target];

/** Where a function lives: a package, a file of ours, Node's internals, or V8 itself. */
function place(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(v8/native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|dist|bench)\/(.*)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const key = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${place(url, functionName)}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const places = new Map<string, number>();
  let all = 0;
  let clock = 0;
  const spans = new Map<string, { first: number; last: number; busy: number }>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    clock += delta;
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    all += delta;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + delta);
    const p = place(node.callFrame.url, node.callFrame.functionName);
    places.set(p, (places.get(p) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const fk = key(frame);
      if (phases.includes(frame.callFrame.functionName) && !seen.has(frame.callFrame.functionName)) {
        seen.add(frame.callFrame.functionName);
        const span = spans.get(frame.callFrame.functionName) ?? { first: clock, last: clock, busy: 0 };
        span.last = clock;
        span.busy += delta;
        spans.set(frame.callFrame.functionName, span);
      }
      if (seen.has(fk)) continue;
      seen.add(fk);
      total.set(fk, (total.get(fk) ?? 0) + delta);
    }
  }
  const idle = self.get('(idle) (idle):0') ?? 0;
  const busy = all - idle;
  const fmt = (ms: number): string =>
    `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%${
      rows > 0 ? ` ${((ms * 1000) / rows).toFixed(1).padStart(7)} µs/row` : ''
    }`;
  const list = (title: string, map: Map<string, number>, n: number) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      process.stdout.write(`  ${fmt(ms)}  ${name}\n`);
    }
  };
  process.stdout.write(
    `${file}\n  ${all.toFixed(0)} ms sampled, ${idle.toFixed(0)} ms idle, ${busy.toFixed(0)} ms busy (percentages of busy)\n`,
  );
  if (phases.length > 0) {
    process.stdout.write(`\nphases (ms from the profile's start; the process started ~40 ms earlier)\n`);
    for (const name of phases) {
      const span = spans.get(name);
      process.stdout.write(
        span
          ? `  ${name.padEnd(24)} ${span.first.toFixed(0).padStart(7)} .. ${span.last.toFixed(0).padStart(7)} ms, busy ${span.busy.toFixed(0)} ms\n`
          : `  ${name.padEnd(24)} not seen\n`,
      );
    }
  }
  list('self time by place', places, top);
  list('self time by function', self, top);
  list('total time by function', total, top);
  process.stdout.write('\n');
}
