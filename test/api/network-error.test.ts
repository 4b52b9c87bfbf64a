import { describe, expect, it } from 'vitest';
import { describeNetworkError } from '../../src/api/network-error.ts';
import { ReplyTooLargeError } from '../../src/api/reply-limit.ts';

// What the client does with a failed attempt rests on this reading: retry it or not, and whether the row may
// have gone through (then it is "maybe sent" for good).
describe('describeNetworkError', () => {
  const sent = { upload: 12 };
  it.each([
    // code, timings, retry, may have reached
    ['ECONNREFUSED', sent, true, false],
    ['ENOTFOUND', undefined, true, false],
    ['EAI_AGAIN', undefined, true, false],
    ['ECONNRESET', sent, true, true],
    ['ECONNRESET', {}, true, false],
    ['EPIPE', sent, true, true],
    ['ERR_STREAM_PREMATURE_CLOSE', sent, true, true],
    ['EPROTO', sent, false, true],
    ['EPROTO', {}, false, false],
  ] as const)('%s (timings %j): retry %s, may have reached %s', (code, timings, retry, reached) => {
    const problem = describeNetworkError({ code, ...(timings ? { timings } : {}) });
    expect({ code: problem.code, retry: problem.retry, reached: problem.mayHaveReached }).toEqual({
      code,
      retry,
      reached,
    });
  });

  it('reads a socket hang-up as a reset', () => {
    const problem = describeNetworkError({
      code: 'ERR_GOT_REQUEST_ERROR',
      message: 'socket hang up',
      timings: sent,
    });
    expect(problem).toMatchObject({ code: 'ECONNRESET', retry: true, mayHaveReached: true });
  });

  it('retries a timeout and says it may have reached the API once the request was sent', () => {
    const problem = describeNetworkError({ code: 'ETIMEDOUT', name: 'TimeoutError', timings: sent });
    expect(problem).toMatchObject({ retry: true, mayHaveReached: true });
    expect(problem.message(3)).toBe(
      'Fikk ikke helt svar fra Leasingtaker-API-et innen tidsfristen (ETIMEDOUT, 3 forsøk)',
    );
  });

  it('counts a reply too large to read as reached, and retries it', () => {
    const problem = describeNetworkError(new ReplyTooLargeError(1024 * 1024));
    expect(problem).toMatchObject({ retry: true, mayHaveReached: true });
    expect(problem.message(1)).toMatch(/større enn 1 MB og ble ikke lest \(1 forsøk\)/);
  });

  it('knows nothing of an error without a code', () => {
    expect(describeNetworkError(new Error('boom'))).toMatchObject({ code: 'ERR_UNKNOWN', retry: false });
  });
});
