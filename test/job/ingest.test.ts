// ingestRows on its own, into a ledger in a temp folder: what is queued, what is recorded without sending,
// that a second read of the same file adds nothing, and that the reader waits for room between batches.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ColumnMap, findColumns } from '../../src/domain/columns.ts';
import type { RawRow } from '../../src/domain/types.ts';
import { INGEST_BATCH_ROWS, ingestRows } from '../../src/job/ingest.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { SEED_FNR } from '../support/api-requests.ts';

let dir: string;
let ledger: Ledger;

function columnsOf(headers: string[]): ColumnMap {
  const result = findColumns(headers);
  if (!result.ok) throw new Error(result.message);
  return result.columns;
}
const COLUMNS = columnsOf(['Kjennemerke', 'Handling', 'Fnr', 'Etternavn']);

function newFile(name: string): number {
  return ledger.addFile({ owner: '', name, path: `/a/${name}`, format: 'csv', sha256: name, size: 1 });
}

async function* rowsOf(rows: readonly RawRow[]): AsyncGenerator<RawRow> {
  for (const row of rows) yield row;
}

const valid = (rowNumber: number, plate: string, handling = 'OPPRETTE'): RawRow => ({
  rowNumber,
  cells: [plate, handling, SEED_FNR, 'Firkant'],
});

/** Ingests `rows` into `fileId`, counting the batches, the rows queued and the waits for room. */
async function ingest(fileId: number, rows: readonly RawRow[]) {
  const seen = { batches: 0, queued: 0, waitsForRoom: 0, superseded: [] as number[] };
  const total = await ingestRows(rowsOf(rows), {
    ledger,
    fileId,
    owner: '',
    columns: COLUMNS,
    room: async () => {
      seen.waitsForRoom += 1;
    },
    onBatch: (queued) => {
      seen.batches += 1;
      seen.queued += queued;
    },
    onSuperseded: (older) => seen.superseded.push(older),
  });
  return { total, ...seen };
}

const statusesOf = (fileId: number) =>
  [...ledger.rowsWithStatus(fileId, ['pending', 'invalid', 'skipped'])].map(
    (row) => `${row.rowNumber}:${row.status}`,
  );

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-'));
  ledger = Ledger.open(dir);
});

afterEach(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingestRows', () => {
  it('queues valid rows, records invalid and hidden ones without sending them', async () => {
    const fileId = newFile('a.csv');
    const result = await ingest(fileId, [
      valid(2, 'CU10001'),
      { rowNumber: 3, cells: ['CU10002', 'KJØPE', SEED_FNR, 'Firkant'] },
      { ...valid(4, 'CU10003'), hidden: true },
      valid(5, 'CU10004', 'AVSLUTTE'),
    ]);
    expect(result.total).toBe(4);
    expect(result.queued).toBe(2);
    expect(statusesOf(fileId)).toEqual(['2:pending', '3:invalid', '4:skipped', '5:pending']);
    expect(ledger.hiddenCount(fileId)).toBe(1);
  });

  it('adds nothing when the same file is read again after a crash', async () => {
    const fileId = newFile('a.csv');
    const rows = [valid(2, 'CU10001'), valid(3, 'CU10002'), valid(4, 'CU10003')];
    await ingest(fileId, rows.slice(0, 2));
    const again = await ingest(fileId, rows);
    expect(again.total).toBe(3);
    expect(again.queued).toBe(1);
    expect(statusesOf(fileId)).toEqual(['2:pending', '3:pending', '4:pending']);
  });

  /** Two batches and a half. */
  const ROWS = INGEST_BATCH_ROWS * 2 + INGEST_BATCH_ROWS / 2;

  it('writes in batches and waits for room after each full one', async () => {
    const fileId = newFile('big.csv');
    const rows = Array.from({ length: ROWS }, (_, i) => valid(i + 2, `CU${10001 + i}`));
    const result = await ingest(fileId, rows);
    expect(result.batches).toBe(3);
    expect(result.waitsForRoom).toBe(2);
    expect(result.queued).toBe(ROWS);
  });

  it('lets a turn of the event loop pass after each batch, even with room at once (answers come first)', async () => {
    const fileId = newFile('big.csv');
    let batches = 0;
    let batchesBeforeTheTurn: number | undefined;
    setImmediate(() => {
      batchesBeforeTheTurn = batches;
    });
    await ingestRows(rowsOf(Array.from({ length: ROWS }, (_, i) => valid(i + 2, `CU${10001 + i}`))), {
      ledger,
      fileId,
      owner: '',
      columns: COLUMNS,
      room: async () => {},
      onBatch: () => {
        batches += 1;
      },
    });
    expect(batches).toBe(3);
    expect(batchesBeforeTheTurn).toBe(1);
  });

  it('does not pull the next row while it waits for room: the backpressure that keeps memory flat', async () => {
    const fileId = newFile('big.csv');
    let pulled = 0;
    async function* counted(): AsyncGenerator<RawRow> {
      for (let i = 0; i < ROWS; i++) {
        pulled += 1;
        yield valid(i + 2, `CU${10001 + i}`);
      }
    }
    const gate: { letGo?: () => void } = {};
    const reading = ingestRows(counted(), {
      ledger,
      fileId,
      owner: '',
      columns: COLUMNS,
      room: () =>
        new Promise<void>((resolve) => {
          gate.letGo = resolve;
        }),
      onBatch: () => {},
    });
    /** Waits until the reader waits for room, then lets it go on. */
    const nextWait = async () => {
      while (!gate.letGo) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const pulledWhileWaiting = pulled;
      const letGo = gate.letGo;
      delete gate.letGo;
      letGo();
      return pulledWhileWaiting;
    };
    expect(await nextWait()).toBe(INGEST_BATCH_ROWS);
    expect(await nextWait()).toBe(INGEST_BATCH_ROWS * 2);
    expect(await reading).toBe(ROWS);
  });

  it('supersedes the same change still open in an older file, and says which file', async () => {
    const older = newFile('old.csv');
    await ingest(older, [valid(2, 'CU10001')]);
    const newer = newFile('new.csv');
    const result = await ingest(newer, [valid(2, 'CU10001')]);
    expect(result.superseded).toEqual([older]);
    expect(ledger.counts(older).superseded).toBe(1);
    expect(statusesOf(newer)).toEqual(['2:pending']);
  });
});
