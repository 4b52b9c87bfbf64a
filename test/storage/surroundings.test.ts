import { describe, expect, it } from 'vitest';
import { LedgerGuardError } from '../../src/ledger/guard-error.ts';
import { SurroundingsError, usingFolder } from '../../src/storage/surroundings.ts';

const errno = (code: string, message = `${code}: failed`) => Object.assign(new Error(message), { code });
const sqlite = (errcode: number, errstr: string) =>
  Object.assign(new Error(errstr), { code: 'ERR_SQLITE_ERROR', errcode, errstr });
const uid = process.getuid?.() ?? '?';

describe('a folder the job cannot use, wherever it was met', () => {
  it.each([
    [
      'full',
      errno('ENOSPC'),
      'ENOSPC',
      'The state folder /s (LEASINGTAKER_STATE) is full (ENOSPC). Free space there, then run again: the next run goes on where this one stopped, and sends nothing twice.',
    ],
    [
      'not writable',
      errno('EACCES'),
      'EACCES',
      `The state folder /s (LEASINGTAKER_STATE) cannot be written (EACCES): give the user the job runs as (uid ${uid}) write access to it, then run again: the next run goes on where this one stopped, and sends nothing twice.`,
    ],
    [
      'read-only to SQLite',
      sqlite(8, 'attempt to write a readonly database'),
      'EROFS',
      'The state folder /s (LEASINGTAKER_STATE) cannot be written (EROFS): mount it read-write, then run again: the next run goes on where this one stopped, and sends nothing twice.',
    ],
    [
      'held by another program',
      sqlite(5, 'database is locked'),
      'database is locked',
      `The state folder /s cannot be used (database is locked: database is locked). Check that it is a folder this user (uid ${uid}) may write, with free space, on a local volume.`,
    ],
    [
      'a file where it should be',
      errno('ENOTDIR', 'ENOTDIR: not a directory'),
      'ENOTDIR',
      `The state folder /s cannot be used (ENOTDIR: ENOTDIR: not a directory). Check that it is a folder this user (uid ${uid}) may write, with free space, on a local volume.`,
    ],
  ])('%s', async (_what, error, code, message) => {
    for (const work of [
      () => {
        throw error;
      },
      () => Promise.reject(error),
    ]) {
      let caught: unknown;
      try {
        await usingFolder('state', '/s', work);
      } catch (thrown) {
        caught = thrown;
      }
      expect(caught).toBeInstanceOf(SurroundingsError);
      expect(caught).toMatchObject({ place: 'state', folder: '/s', code, message, cause: error });
    }
  });

  it("passes what is not the folder's trouble on as it is", async () => {
    const refusal = new LedgerGuardError('refused');
    const bug = new TypeError('x is undefined');
    expect(() =>
      usingFolder('archive', '/a', () => {
        throw refusal;
      }),
    ).toThrow(refusal);
    await expect(usingFolder('archive', '/a', () => Promise.reject(bug))).rejects.toBe(bug);
    expect(usingFolder('archive', '/a', () => 7)).toBe(7);
    await expect(usingFolder('archive', '/a', async () => 8)).resolves.toBe(8);
  });
});
