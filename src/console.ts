// What the commands print for a person (validate, history, doctor, configuration errors), outside the logger.
// The logger masks its own lines (src/log.ts); this is the same net for the console.

import { maskIdNumbers } from './domain/mask.ts';

/** Writes `text` to stdout with every fødselsnummer-shaped number masked (a file or folder name may hold one). */
export function print(text: string): void {
  process.stdout.write(maskIdNumbers(text));
}

/** The same, to stderr. */
export function printError(text: string): void {
  process.stderr.write(maskIdNumbers(text));
}
