// The long variant of test/robustness/growing-file.test.ts: a copy that stalls at a random byte, anywhere (in a
// plate, in the header, in æøå, between CR and LF, in a quoted cell with a line break), is taken during the
// stall, and goes on afterwards. Whatever the pause: no row lost, no row sent cut short, none sent twice.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCalls,
  callKey,
  createInstallation,
  type Installation,
  ledgerRows,
  type PlannedRow,
  planSingles,
  seededRandom,
} from '../support/installation.ts';
import { startWriter } from '../support/slow-writer.ts';

const ITERATIONS = Number(process.env.GROWING_ITERATIONS ?? 30);

/** The rows as a CSV whose every 5th Merknad is a quoted cell with a line break. */
function csvOf(rows: readonly PlannedRow[]): Buffer {
  const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn;Merknad'];
  rows.forEach((row, i) => {
    const merknad = i % 5 === 0 ? '"første linje\r\nandre linje"' : 'rad';
    lines.push(`${row.plate};${row.handling};${row.fnr};${row.etternavn};${merknad}`);
  });
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

describe('a copy that stalls anywhere (soak)', () => {
  let install: Installation;
  beforeAll(async () => {
    install = await createInstallation();
  });
  afterAll(async () => {
    await install.close();
  });

  it(`loses no row and cuts none short, ${ITERATIONS} random stalls`, async () => {
    const random = seededRandom(Number(process.env.SEED ?? 13));
    const all: PlannedRow[] = [];
    for (let n = 0; n < ITERATIONS; n++) {
      const rows = planSingles(30, 50_000 + n * 100);
      all.push(...rows);
      const bytes = csvOf(rows);
      const cut = Math.floor(random() * bytes.length);
      const name = `kopi-${n}.csv`;
      const writer = await startWriter(join(install.inbox, name), bytes, cut, 2, install.dir);
      try {
        await install.run({ LEASINGTAKER_SETTLE_MS: '300' });
        writer.resume();
        await writer.done;
      } finally {
        writer.child.kill('SIGKILL');
      }
      const result = await install.run();
      expect(result.signal, `cut at ${cut} of ${name}`).toBeNull();

      const planned = new Set(all.map((row) => row.key));
      const calls = apiCalls(install.local.sim.calls).map(callKey);
      expect(
        calls.filter((key) => !planned.has(key)),
        `cut at ${cut} of ${name}`,
      ).toEqual([]);
      expect(calls.length, `cut at ${cut} of ${name}: each row once`).toBe(new Set(calls).size);
      const ledger = ledgerRows(install.state).filter((row) => row.file === name);
      expect(
        ledger.map((row) => `${row.plate}:${row.status}`),
        `cut at ${cut} of ${name}`,
      ).toEqual(rows.map((row) => `${row.plate}:${row.expected}`));
    }
    expect(new Set(apiCalls(install.local.sim.calls).map(callKey)).size).toBe(all.length);
  });
});
