// Whatever goes wrong with the workbook begun early costs only the head start: it is let go, and the report is
// written whole after sending. Here the workbook is a stand-in whose writes and removal fail as a failing disk's
// would (the real one against real faults: test/robustness/early-workbook.test.ts).

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EarlyReport } from '../../src/job/early-report.ts';
import type { EarlyWorkbook } from '../../src/report/early-workbook.ts';

const ioError = (syscall: string) => Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO' });

/** A workbook whose writes fail, and whose removal fails too when `removable` is false. */
function failingWorkbook(removable: boolean) {
  const calls = { writes: 0, discards: 0 };
  const workbook = {
    async writeBelow() {
      calls.writes++;
      throw ioError('write');
    },
    async discard() {
      calls.discards++;
      if (!removable) throw ioError('unlink');
    },
  } as unknown as EarlyWorkbook;
  return { workbook, calls };
}

const logger = pino({ level: 'silent' });

describe('the early report', () => {
  for (const removable of [true, false]) {
    it(`a write that fails lets the workbook go${removable ? '' : ', also when it cannot be removed'}: the report is written whole`, async () => {
      const { workbook, calls } = failingWorkbook(removable);
      const early = new EarlyReport({ begin: async () => workbook, rows: () => [], logger });
      early.begin();
      early.settled(500);
      // Later lines while (and after) the failed write is let go: nothing more is written to it.
      await new Promise((resolve) => setImmediate(resolve));
      early.settled(900);
      expect(await early.handOver()).toBeUndefined();
      await early.discard();
      expect(calls).toEqual({ writes: 1, discards: 1 });
    });
  }

  it('let go unused, a workbook that cannot be removed ends nothing but itself', async () => {
    const { workbook, calls } = failingWorkbook(false);
    const early = new EarlyReport({ begin: async () => workbook, rows: () => [], logger });
    early.begin();
    await expect(early.discard()).resolves.toBeUndefined();
    expect(calls).toEqual({ writes: 0, discards: 1 });
  });

  it('a line that goes back (a row claimed below what was settled) lets the workbook go: the report is written whole', async () => {
    const lines: number[] = [];
    let discarded = 0;
    const workbook = {
      async writeBelow(_rows: unknown, below: number) {
        lines.push(below);
      },
      async discard() {
        discarded++;
      },
    } as unknown as EarlyWorkbook;
    const early = new EarlyReport({ begin: async () => workbook, rows: () => [], logger });
    early.begin();
    early.settled(300);
    await new Promise((resolve) => setImmediate(resolve));
    // Rows 2..299 may be written now; a row numbered 150 still open would then be missing from them.
    early.settled(151);
    early.settled(700);
    expect(await early.handOver()).toBeUndefined();
    expect(lines).toEqual([300]);
    expect(discarded).toBe(1);
  });
});
