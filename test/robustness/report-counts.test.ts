import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { brokenFnr, latestSummary, type Summary, syntheticPersons } from '../support/installation.ts';

/** Kinds of line a fleet file holds, each with what the job must make of it. */
const LINE_KINDS = [
  'ok', // a known plate, a known person
  'stopped', // a plate the register doesn't know
  'invalid-fnr', // fails mod-11
  'invalid-plate', // not a plate at all
  'missing-name', // a person without etternavn
  'repeat', // the line before, again (an in-file duplicate)
  'end', // AVSLUTTE of the lessee the line before registered
  'blank', // an empty line: counted by Excel, not a row
] as const;
type LineKind = (typeof LINE_KINDS)[number];

describe('the report adds up', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    mkdirSync(harness.inbox, { recursive: true });
  });
  afterAll(async () => {
    await harness.close();
  });

  let fileNo = 0;
  let plate = 80_000;
  const persons = syntheticPersons(4000, 9000);

  /** The file's lines, and how many of them are rows (not blank). */
  function fleetFile(kinds: readonly LineKind[]): { text: string; rows: number } {
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn'];
    let rows = 0;
    let previous: string | undefined;
    for (const kind of kinds) {
      const person = persons[plate % persons.length] as string;
      plate += 1;
      let line: string;
      switch (kind) {
        case 'ok':
          line = `CU${plate};OPPRETTE;${person};Nilsen`;
          break;
        case 'stopped':
          line = `XX${plate};OPPRETTE;${person};Nilsen`;
          break;
        case 'invalid-fnr':
          line = `CU${plate};OPPRETTE;${brokenFnr(person)};Nilsen`;
          break;
        case 'invalid-plate':
          line = `C!${plate};OPPRETTE;${person};Nilsen`;
          break;
        case 'missing-name':
          line = `CU${plate};OPPRETTE;${person};`;
          break;
        case 'repeat':
          line = previous ?? `CU${plate};OPPRETTE;${person};Nilsen`;
          break;
        case 'end':
          line = previous?.replace(';OPPRETTE;', ';AVSLUTTE;') ?? `CU${plate};AVSLUTTE;${person};Nilsen`;
          break;
        case 'blank':
          lines.push('');
          continue;
      }
      lines.push(line);
      previous = line;
      rows += 1;
    }
    return { text: `${lines.join('\r\n')}\r\n`, rows };
  }

  it('for any mix of rows and API faults: rows = ok + stopped + failed + invalid + skipped = lines with data, run after run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...LINE_KINDS), { minLength: 0, maxLength: 40 }),
        fc.constantFrom(0, 0.3, 1),
        async (kinds, share503) => {
          const name = `flate-${++fileNo}.csv`;
          const { text, rows } = fleetFile(kinds);
          writeFileSync(join(harness.inbox, name), text);
          const settings = {
            LEASINGTAKER_MAX_ATTEMPTS: '1',
            LEASINGTAKER_BREAKER_THRESHOLD: '5',
            LEASINGTAKER_CONCURRENCY: '4',
          };
          const addsUp = (summary: Summary | undefined) => {
            expect(summary?.rows).toBe(rows);
            const { ok, stopped, failed, invalid, skipped, pending } = summary ?? ({} as never);
            expect(ok + stopped + failed + invalid + skipped).toBe(rows);
            expect(pending).toBeLessThanOrEqual(failed);
          };
          // A run with the API failing: the file's report, if it got one (an open breaker leaves files not yet
          // taken in the inbox), adds up with its failed rows.
          harness.local.sim.faults = { ...harness.local.sim.faults, share503 };
          await harness.run(settings);
          const during = latestSummary(harness.reports, name);
          if (during && rows > 0) addsUp(during);
          // Then a run with the API well: it takes up what is left, and the report adds up with nothing failed.
          harness.local.sim.faults = { ...harness.local.sim.faults, share503: 0 };
          await harness.run(settings);
          const after = latestSummary(harness.reports, name);
          if (rows === 0) {
            // Nothing under the header: refused with a reason, never a report of zero rows that says "done".
            expect(after?.error).toMatch(/bare overskriftsraden/);
            expect(after?.rows).toBe(0);
            return;
          }
          addsUp(after);
          expect(after?.failed).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
