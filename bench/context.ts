// What every suite is given: the options it runs under, the sizes of its inputs, scratch folders, and the
// place its figures go.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Figure, figureLine } from './figures.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Sizes of the full benchmark (the issue's) and of --quick (a smoke test of the benchmark itself). */
export function sizesFor(quick: boolean) {
  return quick
    ? {
        throughput: 1_000,
        bare: 4_000,
        xlsxSmall: 5_000,
        xlsxLarge: 50_000,
        csvLarge: 100_000,
        help: 5,
        empty: 3,
      }
    : {
        throughput: 5_000,
        bare: 20_000,
        xlsxSmall: 20_000,
        xlsxLarge: 200_000,
        csvLarge: 1_000_000,
        help: 10,
        empty: 5,
      };
}
export type Sizes = ReturnType<typeof sizesFor>;

export interface Bench {
  readonly quick: boolean;
  /** Runs per figure; the figure is their median. */
  readonly runs: number;
  readonly sizes: Sizes;
  /** Generated inputs, kept between benchmarks (same rows every time; the name carries the generator version). */
  readonly inputs: string;
  /** A new empty folder under this benchmark's scratch folder. */
  freshDir(name: string): string;
  /** With --profile: the Node flags that write a V8 CPU profile of the process named `name`. */
  profileFlags(name: string): string[];
  /** Prints the figure's line and keeps it for the results file. */
  note(figure: Figure): void;
  readonly figures: readonly Figure[];
  /** Removes the scratch folder (not the kept inputs). */
  close(): void;
}

export function createBench(options: { quick: boolean; runs: number; profile: boolean }): Bench {
  const work = mkdtempSync(join(tmpdir(), 'leasingtaker-bench-'));
  const figures: Figure[] = [];
  let nextDir = 0;
  return {
    quick: options.quick,
    runs: options.runs,
    sizes: sizesFor(options.quick),
    inputs: join(tmpdir(), 'leasingtaker-bench-inputs'),
    freshDir(name) {
      const dir = join(work, `${++nextDir}-${name}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    profileFlags: (name) =>
      options.profile
        ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results', 'profiles', name)}`]
        : [],
    note(figure) {
      figures.push(figure);
      process.stdout.write(figureLine(figure));
    },
    figures,
    close: () => rmSync(work, { recursive: true, force: true }),
  };
}
