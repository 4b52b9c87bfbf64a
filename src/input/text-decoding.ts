// Turns the bytes of a CSV file into text without knowing the encoding in advance.
//
// Excel in Norway saves "CSV (semikolondelt)" in Windows-1252, Google Sheets and "CSV UTF-8" in UTF-8 (the
// latter with a BOM), "Unicode-tekst" in UTF-16LE with a BOM. Without a BOM we wait for the first non-ASCII
// byte, which may come thousands of rows in (a header like `Fnr;Etternavn` is pure ASCII); until then the
// text is ASCII, which both decode alike. There we judge the rest of the chunk:
// - a malformed first character means Windows-1252: its æøå followed by ASCII are never well-formed UTF-8;
// - well-formed UTF-8 means UTF-8, but only if it holds a character a Norwegian file plausibly has (Latin
//   letters with accents, punctuation such as € and –, Greek, Cyrillic, symbols). A Windows-1252 "Ø€"
//   (D8 80) is well-formed UTF-8 too, for an Arabic sign; such characters alone don't count;
// - two or more plausible UTF-8 characters and then a malformed one: a UTF-8 file with Windows-1252 pasted
//   in. We pick UTF-8 so the strict decoder reports the mix, instead of turning every æøå before it into
//   mojibake.
// Still wrong, knowingly: a Windows-1252 file whose first non-ASCII text is a pair like "Å€" (C5 80, "ŀ" in
// UTF-8), and a UTF-8 file whose first non-ASCII characters are all Arabic, Hebrew or CJK.

import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import type iconv from 'iconv-lite';

export type CsvEncoding = 'ascii' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/** The UTF-8 decoder met bytes that aren't UTF-8 after the file had been detected as UTF-8. */
export class MixedEncodingError extends Error {
  override readonly name = 'MixedEncodingError';
}

interface Decoder {
  write(chunk: Buffer): string;
  end(): string;
}

function utf8Decoder(): Decoder {
  // TextDecoder is used for UTF-8 (not iconv-lite) because it can refuse invalid bytes instead of silently
  // turning a Windows-1252 "ø" later in the file into U+FFFD. Node's TextDecoder is fine for UTF-8; it is its
  // windows-1252 that is wrong.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (error) {
      throw new MixedEncodingError('invalid UTF-8 in a file that began as UTF-8', { cause: error });
    }
  };
  return { write: (chunk) => decode(chunk), end: () => decode() };
}

/** Loaded when a file needs it, not at every start: most files are UTF-8 or ASCII. */
let iconvLite: typeof iconv | undefined;

function iconvDecoder(encoding: 'windows-1252' | 'utf-16le' | 'utf-16be'): Decoder {
  iconvLite ??= createRequire(import.meta.url)('iconv-lite') as typeof iconv;
  const decoder = iconvLite.getDecoder(encoding, { stripBOM: false });
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

function decoderFor(encoding: Exclude<CsvEncoding, 'ascii'>): Decoder {
  return encoding === 'utf-8' ? utf8Decoder() : iconvDecoder(encoding);
}

type Verdict = 'utf-8' | 'windows-1252' | 'undecided';

/** Code points a Norwegian fleet file plausibly holds, as opposed to chance pairs of Windows-1252 bytes. */
function plausible(codePoint: number): boolean {
  return (
    (codePoint >= 0xa0 && codePoint <= 0x24f) || // Latin-1 supplement, Latin extended A and B
    (codePoint >= 0x300 && codePoint <= 0x4ff) || // combining accents, Greek, Cyrillic
    (codePoint >= 0x1e00 && codePoint <= 0x1eff) || // Latin extended additional
    (codePoint >= 0x2000 && codePoint <= 0x2bff) || // punctuation, €, letterlike, arrows, symbols
    codePoint >= 0x1f000 // emoji
  );
}

/** Looks at the bytes from the first non-ASCII one (at `at`) to the end of the chunk. */
function judge(chunk: Buffer, at: number): Verdict {
  let likely = 0;
  let unlikely = 0;
  let i = at;
  while (i < chunk.length) {
    const lead = chunk[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length > 0 && i + length > chunk.length) {
      let prefix = true;
      for (let k = i + 1; k < chunk.length; k++) if (((chunk[k] as number) & 0xc0) !== 0x80) prefix = false;
      // Cut off by the chunk's end: judge on what came before, or wait for more.
      if (prefix) break;
    }
    if (length === 0 || i + length > chunk.length || !isUtf8(chunk.subarray(i, i + length))) {
      return likely >= 2 ? 'utf-8' : 'windows-1252';
    }
    const codePoint = chunk.toString('utf8', i, i + length).codePointAt(0) ?? 0;
    if (plausible(codePoint)) likely++;
    else unlikely++;
    i += length;
  }
  if (likely > 0) return 'utf-8';
  return unlikely > 0 ? 'windows-1252' : 'undecided';
}

function firstNonAscii(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; i++) if ((chunk[i] as number) >= 0x80) return i;
  return -1;
}

/**
 * Decodes a byte stream to text chunks. `onEncoding` is told once the encoding is known; a file that never
 * has a non-ASCII byte stays 'ascii'.
 */
export async function* decodeText(
  source: AsyncIterable<Buffer>,
  onEncoding: (encoding: CsvEncoding) => void,
): AsyncGenerator<string> {
  let decoder: Decoder | undefined;
  let pending: Buffer = Buffer.alloc(0);
  let sawStart = false;

  for await (const raw of source) {
    let chunk = pending.length > 0 ? Buffer.concat([pending, raw]) : raw;
    pending = Buffer.alloc(0);

    if (!sawStart) {
      // A BOM is at most 3 bytes; wait until we have them (or the file ends).
      if (chunk.length < 3) {
        pending = chunk;
        continue;
      }
      sawStart = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        decoder = decoderFor('utf-8');
        onEncoding('utf-8');
        chunk = chunk.subarray(3);
      } else if (chunk[0] === 0xff && chunk[1] === 0xfe) {
        decoder = decoderFor('utf-16le');
        onEncoding('utf-16le');
        chunk = chunk.subarray(2);
      } else if (chunk[0] === 0xfe && chunk[1] === 0xff) {
        decoder = decoderFor('utf-16be');
        onEncoding('utf-16be');
        chunk = chunk.subarray(2);
      }
    }

    if (decoder) {
      const text = decoder.write(chunk);
      if (text) yield text;
      continue;
    }

    const at = firstNonAscii(chunk);
    if (at < 0) {
      yield chunk.toString('latin1');
      continue;
    }
    const verdict = judge(chunk, at);
    if (verdict === 'undecided') {
      // The chunk ends inside the first non-ASCII character: decide when the rest of it arrives.
      if (at > 0) yield chunk.toString('latin1', 0, at);
      pending = chunk.subarray(at);
      continue;
    }
    const encoding = verdict;
    decoder = decoderFor(encoding);
    onEncoding(encoding);
    const text = decoder.write(chunk);
    if (text) yield text;
  }

  if (pending.length > 0 && !decoder) {
    // Too short for a BOM check, or an unfinished UTF-8 sequence at the very end: not UTF-8 either way,
    // unless it is plain ASCII.
    if (firstNonAscii(pending) < 0) {
      yield pending.toString('latin1');
      return;
    }
    decoder = decoderFor('windows-1252');
    onEncoding('windows-1252');
  }
  if (decoder) {
    const text = (pending.length > 0 ? decoder.write(pending) : '') + decoder.end();
    if (text) yield text;
  }
}
