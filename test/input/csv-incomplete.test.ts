import { describe, expect, it } from 'vitest';
import { readAll, useTempDir, writeBytes } from '../support/input-files.ts';

const HEADER = 'Kjennemerke;Handling\r\n';

describe('a CSV read while it may still be written (complete: false)', () => {
  const temp = useTempDir();
  const read = async (text: string | Uint8Array, complete: boolean) => {
    const path = await writeBytes(temp(`f${Math.random().toString(36).slice(2)}.csv`), text);
    const result = await readAll(path, { complete });
    return {
      plates: result.rows.map((row) => row.cells[0]),
      heldBack: result.file.lastLineHeldBack === true,
    };
  };

  it.each([
    ['cut in a plate', `${HEADER}CU10001;OPPRETTE\r\nCU4175`, ['CU10001'], true],
    ['every line ended', `${HEADER}CU10001;OPPRETTE\r\nCU41752;OPPRETTE\r\n`, ['CU10001', 'CU41752'], false],
    ['only blanks after the last line end', `${HEADER}CU10001;OPPRETTE\r\n  \t`, ['CU10001'], false],
    ['a DOS end-of-file mark', `${HEADER}CU10001;OPPRETTE\r\n\x1a`, ['CU10001'], false],
  ])('%s', async (_, text, plates, heldBack) => {
    expect(await read(text, false)).toEqual({ plates, heldBack });
  });

  it('refuses a quoted cell still open at the last line end, as in a complete file (the run reads it again once it changes)', async () => {
    await expect(read(`${HEADER}CU10001;"OPP\nRET`, false)).rejects.toThrow(/anførselstegn/);
  });

  it('reads the last line as a row when the file is known to be complete', async () => {
    expect(await read(`${HEADER}CU10001;OPPRETTE\r\nCU41752;OPPRETTE`, true)).toEqual({
      plates: ['CU10001', 'CU41752'],
      heldBack: false,
    });
  });

  it('never feeds the decoder half a character', async () => {
    const text = Buffer.from(`${HEADER}CU10001;Østby\r\nCU10002;Ø`, 'utf8');
    expect(await read(text.subarray(0, text.length - 1), false)).toEqual({
      plates: ['CU10001'],
      heldBack: true,
    });
  });
});
