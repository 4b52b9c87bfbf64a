// The shape of a suite: what `--help` says of it, and the run that notes its figures.

import type { Bench } from '../context.ts';

export interface Suite {
  /** One line for `npm run bench -- --help`. */
  readonly about: string;
  run(bench: Bench): Promise<void>;
}
