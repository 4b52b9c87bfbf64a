import { describe, expect, it } from 'vitest';
import { readPreamble } from '../../src/input/csv-preamble.ts';
import { HEADER_SEARCH_ROWS } from '../../src/input/header-search.ts';

// The start of a CSV on its own (src/input/csv-preamble.ts): which delimiter, and what is left to parse.

describe('readPreamble on the whole file', () => {
  it.each<[string, string, string, string]>([
    ['an Excel sep= line, removed', 'sep=;\r\nA;B\r\n', ';', 'A;B\r\n'],
    ['a sep= line with LF', 'sep=,\nA,B\n', ',', 'A,B\n'],
    ['a quoted sep= line in any case', '"SEP=|"\nA|B\n', '|', 'A|B\n'],
    ['a sep= line and nothing after it', 'sep=;', ';', ''],
    ['semicolons', 'Kjennemerke;Fødselsnummer\nCU10001;x\n', ';', 'Kjennemerke;Fødselsnummer\nCU10001;x\n'],
    ['tabs', 'A\tB\tC\n', '\t', 'A\tB\tC\n'],
    ['commas', 'A,B\n', ',', 'A,B\n'],
    ['the most common candidate on the line', 'A;B,C;D\n', ';', 'A;B,C;D\n'],
    ['candidates inside quotes not counted', '"A;B;C",D,E\n', ',', '"A;B;C",D,E\n'],
    [
      'a title line without candidates passed over',
      'Flåteliste mars 2026\nA,B\n',
      ',',
      'Flåteliste mars 2026\nA,B\n',
    ],
    ['blank lines passed over', '\r\n  \r\nA\tB\r\n', '\t', '\r\n  \r\nA\tB\r\n'],
    [
      'a line break inside quotes kept in the line',
      '"Tittel\nover to linjer"\nA,B\n',
      ',',
      '"Tittel\nover to linjer"\nA,B\n',
    ],
    ['no candidate anywhere: semicolon', 'bare tekst\nmer tekst\n', ';', 'bare tekst\nmer tekst\n'],
    // Its quote opens a quoted cell that runs to the end, so no candidate is found; the quote never delimits.
    ['a sep= of a quote, not taken as the delimiter', 'sep="\nA,B\n', ';', 'sep="\nA,B\n'],
    ['an empty file', '', ';', ''],
  ])('reads %s', (_what, text, delimiter, rest) => {
    expect(readPreamble(text, true)).toEqual({ delimiter, text: rest });
  });

  it(`gives up after ${HEADER_SEARCH_ROWS} lines without a candidate: semicolon`, () => {
    const text = `${'tekst\n'.repeat(HEADER_SEARCH_ROWS)}A,B\n`;
    expect(readPreamble(text, true)).toEqual({ delimiter: ';', text });
  });
});

describe('readPreamble on text still coming', () => {
  it.each([
    ['a short first line without its end', 'sep='],
    ['a sep= line without its end', 'sep=;                 '],
    ['a line without its end', 'Kjennemerke;Fødselsnummer'],
    ['title lines and a line without its end', 'Flåteliste\nKjennemerke;Fø'],
    ['an open quote', '"A;B\n'],
  ])('waits for more on %s', (_what, text) => {
    expect(readPreamble(text, false)).toBeUndefined();
  });

  it('decides on the first complete line that has a candidate, before the rest comes', () => {
    expect(readPreamble('A;B\nCU1', false)).toEqual({ delimiter: ';', text: 'A;B\nCU1' });
  });
});
