import { describe, expect, it } from 'vitest';
import { type CrashLoopReport, crashLoop, describeReport } from '../support/crash-loop.ts';

// The long crash loop: SOAK_LOOPS installations (default 2), each killed SOAK_KILLS times (default 25) with
// SIGKILL at random moments of several-thousand-row runs, then run to the end and checked row by row against
// the simulator's log (see test/support/crash-loop.ts). SOAK_SEED repeats a loop that failed.
const loops = Number(process.env.SOAK_LOOPS ?? 2);
const kills = Number(process.env.SOAK_KILLS ?? 25);
const firstSeed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);

describe('crash anywhere, lose nothing (soak)', () => {
  const reports: CrashLoopReport[] = [];

  for (let loop = 0; loop < loops; loop++) {
    const seed = firstSeed + loop;
    it(`loop ${loop + 1} (seed ${seed}): ${kills} kills, every row one outcome`, async () => {
      const report = await crashLoop({
        rowsPerFile: 5000,
        kills,
        concurrency: 8,
        // Start-up takes about a second; a 5,000-row file about seven more here.
        maxDelayMs: 7000,
        seed,
        latencyMs: 3,
      });
      reports.push(report);
      console.log(describeReport(report));
      expect(report.kills).toHaveLength(kills);
      expect(report.maxDuplicatesPerKill).toBeLessThanOrEqual(8);
    });
  }

  it('adds up over all loops', () => {
    const all = reports.flatMap((report) => report.kills);
    const summary = {
      loops: reports.length,
      rows: reports.reduce((sum, report) => sum + report.rows, 0),
      kills: all.length,
      killsWithResends: all.filter((kill) => kill.duplicates > 0).length,
      duplicates: all.reduce((sum, kill) => sum + kill.duplicates, 0),
      maxPerKill: Math.max(0, ...all.map((kill) => kill.duplicates)),
      apiCalls: reports.reduce((sum, report) => sum + report.apiCalls, 0),
    };
    console.log(`crash soak: ${JSON.stringify(summary)}`);
    expect(summary.kills).toBe(loops * kills);
  });
});
