// A cap on the size of a reply, for the API client and the Maskinporten token provider. got reads a body whole
// into memory; four 50 MB replies took the process to 462 MB. Real replies are a few hundred bytes.

import type { CancelableRequest } from 'got';

/** 1 MiB: thousands of times any reply of the API or of Maskinporten, and harmless to hold a few of at once. */
export const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * The reply passed the limit and was not read. The attempt failed; whether the server acted on the request is
 * unknown (the status line, which came first, is not kept: got hands it over only with the whole body).
 */
export class ReplyTooLargeError extends Error {
  override readonly name = 'ReplyTooLargeError';
  readonly code = 'REPLY_TOO_LARGE';
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`The reply was larger than ${describeBytes(limitBytes)} and was not read.`);
    this.limitBytes = limitBytes;
  }
}

/**
 * Awaits a got request, cancelling it as soon as its reply passes `maxBytes`: got's own way of limiting a
 * download (its `downloadProgress` event and `cancel()`, as in got's documentation, "Limiting download &
 * upload size"). The first event carries the Content-Length, so a reply that announces its size is refused
 * before any of its body is read; one without (chunked) is cut off at the first chunk past the limit. The
 * count is of bytes after decompression, so a small compressed reply can't unpack past it either; the callers
 * also ask for no compression (`accept-encoding: identity`), since got stops reporting progress on a compressed
 * reply once it has unpacked past its Content-Length.
 */
export async function withReplyLimit<T>(
  request: CancelableRequest<T>,
  maxBytes: number = MAX_REPLY_BYTES,
): Promise<T> {
  let tooLarge = false;
  request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
    if (tooLarge || (progress.transferred <= maxBytes && (progress.total ?? 0) <= maxBytes)) return;
    tooLarge = true;
    request.cancel();
  });
  try {
    return await request;
  } catch (error) {
    if (tooLarge) throw new ReplyTooLargeError(maxBytes);
    throw error;
  }
}

/** `1 MB` for whole mebibytes (what staff read in a report), else bytes. */
export function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;
}
