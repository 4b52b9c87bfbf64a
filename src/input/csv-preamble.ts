// The start of a CSV file: Excel's `sep=;` line, or else the delimiter guessed from the first line that holds
// one. Pure (text in; the delimiter and the text left to parse out), so its rules have a table test of their
// own; csv-reader.ts feeds it the text read so far until it can decide.

import { HEADER_SEARCH_ROWS } from './header-search.ts';

const CANDIDATES = [';', '\t', ','] as const;
const SEP_LINE = /^"?sep=(.)"?[ \t]*$/i;

export interface Preamble {
  readonly delimiter: string;
  /** The text to parse: everything read so far, minus a `sep=` line. */
  readonly text: string;
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

function skipLineBreak(text: string, at: number): number {
  if (text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10) return at + 2;
  return at + 1;
}

/**
 * Finds the delimiter from the `sep=` line or the first non-blank line that holds a candidate, counting them
 * outside quotes: a title above the table ("Flåteliste mars 2026") may have none, and must not decide it.
 * Returns undefined when `text` doesn't yet hold such a line and more may come.
 */
export function readPreamble(text: string, final: boolean): Preamble | undefined {
  const firstEnd = lineEnd(text, 0);
  if (firstEnd < 0 && !final && text.length < 16) return undefined;
  const firstLine = text.slice(0, firstEnd < 0 ? text.length : firstEnd);
  const sep = SEP_LINE.exec(firstLine);
  if (sep?.[1] && sep[1] !== '"') {
    if (firstEnd < 0 && !final) return undefined;
    return { delimiter: sep[1], text: firstEnd < 0 ? '' : text.slice(skipLineBreak(text, firstEnd)) };
  }

  let at = 0;
  let linesWithout = 0;
  while (at < text.length && linesWithout < HEADER_SEARCH_ROWS) {
    const counts = new Map<string, number>();
    let inQuotes = false;
    let blank = true;
    let end = -1;
    for (let i = at; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '"') {
        inQuotes = !inQuotes;
        blank = false;
      } else if (!inQuotes && (c === '\n' || c === '\r')) {
        end = i;
        break;
      } else if (!inQuotes && (c === ';' || c === ',' || c === '\t')) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
      } else if (c.trim() !== '') {
        blank = false;
      }
    }
    if (end < 0 && !final) return undefined;
    if (!blank) {
      let delimiter: string = ';';
      let best = 0;
      for (const candidate of CANDIDATES) {
        const count = counts.get(candidate) ?? 0;
        if (count > best) {
          best = count;
          delimiter = candidate;
        }
      }
      if (best > 0) return { delimiter, text };
      linesWithout += 1;
    }
    if (end < 0) break;
    at = skipLineBreak(text, end);
  }
  return { delimiter: ';', text };
}
