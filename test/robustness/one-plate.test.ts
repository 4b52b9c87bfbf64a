import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstallation, dropFleet, type Installation } from '../support/installation.ts';
import { planOnePlate } from '../support/one-plate.ts';

/** How many rows of the ledger have each status, read through a connection of the test's own. */
function statusCounts(db: DatabaseSync): Map<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM rows GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return new Map(rows.map((row) => [row.status, row.n]));
}

// Issue 13.4: the rows waiting behind a plate's row in flight were claimed (marked `sending`) and held in memory
// without bound, so a file of one plate was claimed whole within seconds and a million-row one ran out of heap.
describe('a file whose rows all name one plate', () => {
  let install: Installation | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
  });

  it('claims a few batches ahead, never the whole file, and sends in file order', async () => {
    install = await createInstallation();
    const rows = planOnePlate(30_000);
    dropFleet(install.inbox, 'en-bil.csv', rows);
    const run = install.start({ LEASINGTAKER_CONCURRENCY: '8' });
    let db: DatabaseSync | undefined;
    let maxSending = 0;
    let maxAhead = 0;
    let done = 0;
    try {
      // Watched until a few thousand rows are through (the whole file, one request at a time, takes far longer):
      // the reader and the claims have long run as far ahead as they ever will by then.
      const until = Date.now() + 25_000;
      while (Date.now() < until && run.running() && done < 3_000) {
        await sleep(50);
        db ??= openWhenThere(join(install.state, 'ledger.sqlite'));
        if (!db) continue;
        const counts = statusCounts(db);
        const sending = counts.get('sending') ?? 0;
        done = counts.get('ok') ?? 0;
        maxSending = Math.max(maxSending, sending);
        maxAhead = Math.max(maxAhead, [...counts.values()].reduce((a, b) => a + b, 0) - done);
      }
      // In file order: the rows through are exactly the first ones, and the register agrees.
      const okRows = (
        db?.prepare("SELECT row_number FROM rows WHERE status = 'ok' ORDER BY row_number").all() ?? []
      ).map((row) => (row as { row_number: number }).row_number);
      expect(okRows).toEqual(okRows.map((_, i) => i + 2));
    } finally {
      db?.close();
      run.child.kill('SIGKILL');
      await run.result.catch(() => undefined);
    }
    // Claimed (marked sending, held by the worker pool): a few batches of 256, not the file's 30,000.
    expect(maxSending).toBeLessThanOrEqual(1_500);
    // Recorded but not through (queued by the reader, claimed, in flight): bounded too.
    expect(maxAhead).toBeLessThanOrEqual(5_000);
    expect(done, 'rows went through while watched').toBeGreaterThanOrEqual(3_000);
  }, 30_000);
});

function openWhenThere(path: string): DatabaseSync | undefined {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    db.prepare('SELECT 1 FROM rows LIMIT 1').all();
    return db;
  } catch {
    return undefined;
  }
}
