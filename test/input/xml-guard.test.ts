import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { GuardedXmlError, XmlGuard, type XmlLimits } from '../../src/input/xml-guard.ts';

const ROW_LIMITS: XmlLimits = {
  maxGapBytes: 64,
  element: { name: 'row', container: 'sheetData', maxBytes: 200 },
};

/** Streams `xml` through a guard in chunks of `size` bytes; the bytes that came out, or the error. */
async function through(xml: string, limits: XmlLimits, size: number): Promise<Buffer | Error> {
  const bytes = Buffer.from(xml, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  const guard = new XmlGuard(limits);
  const out = buffer(guard);
  out.catch(() => undefined);
  try {
    await pipeline(Readable.from(chunks), guard);
    return await out;
  } catch (error) {
    return error as Error;
  }
}

const sheet = (rows: string) =>
  `<?xml version="1.0"?><worksheet><sheetData>${rows}</sheetData><mergeCells count="1"/></worksheet>`;
const row = (n: number, cells: number) =>
  `<row r="${n}">${Array.from({ length: cells }, (_, i) => `<c r="A${n}"><v>${i}</v></c>`).join('')}</row>`;

describe('XmlGuard', () => {
  // Chunk boundaries may fall anywhere, inside a tag name too: every split must give the same verdict.
  const sizes = [1, 2, 3, 5, 7, 64 * 1024];

  it.each(sizes)(
    'passes a workbook part within the bounds through unchanged (chunks of %i)',
    async (size) => {
      const xml = sheet(`${row(1, 3)}<row r="2"/>${row(3, 3)}<x:row r="4"><c r="A4"><v>1</v></c></x:row>`);
      expect(await through(xml, ROW_LIMITS, size)).toEqual(Buffer.from(xml));
    },
  );

  it.each(sizes)('stops at a text longer than maxGapBytes (chunks of %i)', async (size) => {
    const error = await through(sheet(`<row r="1"><c><v>${'A'.repeat(65)}</v></c></row>`), ROW_LIMITS, size);
    expect(error).toBeInstanceOf(GuardedXmlError);
    expect((error as GuardedXmlError).limit).toBe('gap');
  });

  it.each(sizes)(
    'stops at a row longer than its bound, whatever its namespace prefix (chunks of %i)',
    async (size) => {
      for (const xml of [sheet(row(1, 20)), sheet(row(1, 20).replaceAll('row', 'x:row'))]) {
        const error = await through(xml, ROW_LIMITS, size);
        expect((error as GuardedXmlError).limit).toBe('element');
      }
    },
  );

  it('counts neither an empty row nor what follows the sheet data as part of a row', async () => {
    const xml = sheet(`${row(1, 2)}<row r="2"/>`).replace('<mergeCells', `${'<m/>'.repeat(100)}<mergeCells`);
    expect(await through(xml, ROW_LIMITS, 3)).toEqual(Buffer.from(xml));
  });

  it('fails with the error the caller makes of a crossed bound, and stops when its check says so', async () => {
    const made = new Error('for stor');
    const guard = new XmlGuard({ maxGapBytes: 4 }, { toError: () => made });
    await expect(pipeline(Readable.from([Buffer.from('<a>123456</a>')]), guard)).rejects.toBe(made);
    let chunks = 0;
    const counted = new XmlGuard(
      { maxGapBytes: 100 },
      { check: () => (++chunks > 2 ? new Error('for mange') : undefined) },
    );
    await expect(
      pipeline(Readable.from(['<a>', '<b>', '<c>'].map((s) => Buffer.from(s))), counted),
    ).rejects.toThrow('for mange');
  });
});
