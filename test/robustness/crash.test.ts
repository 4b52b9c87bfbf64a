import { describe, expect, it } from 'vitest';
import { crashLoop, describeReport } from '../support/crash-loop.ts';

// The CI variant: a few kills of a several-thousand-row run. `npm run test:soak` runs the long one
// (test/soak/crash.soak.test.ts: 20+ kills, several seeds).
describe('crash anywhere, lose nothing', () => {
  it('finishes a file killed with SIGKILL at random moments: every row one outcome, resends only in flight', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const report = await crashLoop({
      rowsPerFile: 3000,
      kills: 5,
      concurrency: 8,
      maxDelayMs: 2500,
      seed,
      latencyMs: 2,
    });
    console.log(describeReport(report));
    expect(report.kills).toHaveLength(5);
    // Some kills caught the run with requests on their way (every other one waits for its first request).
    expect(report.kills.filter((kill) => kill.calls > 0).length).toBeGreaterThanOrEqual(2);
    expect(report.maxDuplicatesPerKill).toBeLessThanOrEqual(8);
  }, 120_000);
});
