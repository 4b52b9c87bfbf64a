import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/job/file-context.ts';
import { type RunOutcome, summarizeRun } from '../../src/job/run-summary.ts';

function file(
  name: string,
  counts: Partial<FileResult['counts']>,
  extra: Partial<FileResult> = {},
): FileResult {
  const full = { rows: 0, ok: 0, stopped: 0, failed: 0, invalid: 0, skipped: 0, pending: 0, ...counts };
  full.rows = full.ok + full.stopped + full.failed + full.invalid + full.skipped;
  return {
    fileId: 1,
    name,
    owner: '',
    status: 'done',
    counts: full,
    givenUp: 0,
    reports: { xlsx: `${name}.xlsx`, summary: `${name}.json` },
    ...extra,
  } as FileResult;
}

const run = (outcome: Partial<RunOutcome>): RunOutcome => ({
  files: [],
  exitCode: 0,
  inboxFiles: 0,
  ...outcome,
});

describe('the "Run finished" line', () => {
  it.each<[string, RunOutcome, 'info' | 'warn' | 'error', RegExp]>([
    ['an empty run', run({}), 'info', /^Run finished: nothing to do$/],
    [
      'a clean file',
      run({ files: [file('a.csv', { ok: 3 })] }),
      'info',
      /^Run finished: 1 file\(s\), 3 rows \(3 ok, 0 stopped, 0 failed, 0 invalid, 0 skipped\)$/,
    ],
    [
      'stopped and invalid rows are for staff, not a failure',
      run({ files: [file('a.csv', { ok: 1, stopped: 2, invalid: 1 })] }),
      'info',
      /for staff \(see the reports\): 2 row\(s\) stopped by the API, 1 invalid row\(s\)$/,
    ],
    [
      'a key that fails while a file waits',
      run({
        exitCode: 2,
        haltReason: 'MASKINPORTEN_KEY_FILE (k.pem) can be read by other users.',
        inboxFiles: 1,
      }),
      'error',
      /^Run finished: exit 2; needs attention: configuration: MASKINPORTEN_KEY_FILE \(k\.pem\) can be read by other users\.; 1 file\(s\) wait in the inbox$/,
    ],
    [
      'rows waiting from earlier runs, no file',
      run({ rowsWaiting: new Map([['', 4]]) }),
      'info',
      /^Run finished: needs attention: 4 row\(s\) wait for the next run$/,
    ],
    [
      'an owner refused, a file unreadable, rows given up, the breaker',
      run({
        exitCode: 2,
        haltReason: 'API-et svarte ikke',
        refusedOwners: ['912345678'],
        files: [
          file('bad.csv', {}, { status: 'unreadable' }),
          file('down.csv', { failed: 5, pending: 2 }, { givenUp: 5, status: 'interrupted' }),
        ],
        rowsWaiting: new Map([['912345678', 2]]),
      }),
      'error',
      /needs attention: Maskinporten access refused for 912345678; 1 file\(s\) could not be read; 5 row\(s\) given up after LEASINGTAKER_MAX_RUNS; sending stopped: API-et svarte ikke; 2 row\(s\) wait for the next run$/,
    ],
    [
      "the installation's own access refused",
      run({ exitCode: 2, haltReason: 'invalid_grant', refusedOwners: [''] }),
      'error',
      /Maskinporten access refused for the installation's own organisation; sending stopped: invalid_grant$/,
    ],
    [
      'exit 2 with no reason recorded still names a kind',
      run({ exitCode: 2 }),
      'error',
      /^Run finished: exit 2; needs attention: configuration or access \(see the error lines above\)$/,
    ],
    [
      'exit 1 with no figure for its cause',
      run({ exitCode: 1 }),
      'warn',
      /needs attention: see the warn lines above$/,
    ],
    [
      'exit 1 is a warning',
      run({ exitCode: 1, haltReason: 'SIGTERM' }),
      'warn',
      /^Run finished: exit 1; needs attention: sending stopped: SIGTERM$/,
    ],
  ])('%s', (_name, outcome, level, message) => {
    const summary = summarizeRun(outcome);
    expect(summary.level).toBe(level);
    expect(summary.message).toMatch(message);
  });

  it('never says "nothing to do" when anything waits or the exit code is not 0', () => {
    for (const outcome of [
      run({ exitCode: 2 }),
      run({ exitCode: 1 }),
      run({ inboxFiles: 1 }),
      run({ rowsWaiting: new Map([['', 1]]) }),
    ]) {
      expect(summarizeRun(outcome).message).not.toMatch(/nothing to do/);
    }
  });
});

describe('the "Run finished" line\'s attention keys', () => {
  // Log queries and alerts select on these keys (README, "Log lines that matter"): renaming one breaks them
  // silently, so they are pinned here whatever the code calls the same things inside.
  it('names each kind as operators query it', () => {
    const halted = summarizeRun(
      run({ exitCode: 1, haltReason: 'API-et svarte ikke', rowsWaiting: new Map([['', 2]]), inboxFiles: 1 }),
    );
    expect(Object.keys(halted.attention).sort()).toEqual(
      [
        'inboxFiles',
        'rowsGivenUp',
        'rowsInvalid',
        'rowsStopped',
        'rowsWaiting',
        'sendingStopped',
        'unreadableFiles',
      ].sort(),
    );
    expect(halted.attention).toMatchObject({ sendingStopped: 'API-et svarte ikke' });
    const refused = summarizeRun(
      run({ exitCode: 2, haltReason: 'invalid_grant', refusedOwners: ['912345688'] }),
    );
    expect(refused.attention).toMatchObject({
      accessRefused: ['912345688'],
      sendingStopped: 'invalid_grant',
    });
    const configuration = summarizeRun(run({ exitCode: 2, haltReason: 'MASKINPORTEN_KEY_FILE unreadable' }));
    expect(configuration.attention).toMatchObject({ configuration: 'MASKINPORTEN_KEY_FILE unreadable' });
    expect(configuration.attention).not.toHaveProperty('sendingStopped');
  });
});
