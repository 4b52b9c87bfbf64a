// Retention in the ledger: the personal fields of files finished before the cutoff are blanked, counts, plates,
// statuses, hashes and merknad codes stay; files still open or finished later are left alone.

import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();
const FNR = '63888700414';

function rowsOnDisk(fileId: number): Record<string, unknown>[] {
  const db = new DatabaseSync(join(temp.dir, 'ledger.sqlite'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM rows WHERE file_id = ? ORDER BY row_number').all(fileId);
  } finally {
    db.close();
  }
}

async function finishedFile(name: string): Promise<number> {
  const id = temp.addFile(name);
  temp.ledger.addValidRow(id, 2, personRequest('OPPRETTE', 'CU10001', FNR), ['CU10001', FNR]);
  temp.ledger.addValidRow(id, 3, personRequest('OPPRETTE', 'CU10002', FNR), ['CU10002', FNR]);
  temp.ledger.setFileLayout(id, { rowsAbove: [{ rowNumber: 1, text: `Liste for ${FNR}` }] });
  const [ok, stopped] = temp.ledger.claimQueued(id, 0, 2);
  if (!ok || !stopped) throw new Error('two rows expected');
  await temp.ledger.recordOutcomeBatched(ok.id, {
    kind: 'ok',
    entity: { leasingtakerNavn: 'FIRKANT LEDENDE' },
    alreadySo: false,
    attempts: 1,
  });
  await temp.ledger.recordOutcomeBatched(stopped.id, {
    kind: 'stopped',
    merknader: [{ kode: 'EIER_KAN_IKKE_IDENTIFISERES', beskrivelse: `Fant ikke ${FNR}` }],
    attempts: 1,
  });
  temp.ledger.setFileStatus(id, 'done');
  return id;
}

describe('purgeBefore', () => {
  it('blanks the personal fields of files finished before the cutoff and keeps what history needs', async () => {
    const id = await finishedFile('gammel.csv');
    const hash = rowsOnDisk(id)[0]?.identity_hash;
    expect(temp.ledger.purgeBefore(new Date(Date.now() + 60_000).toISOString())).toBe(1);
    const rows = rowsOnDisk(id);
    expect(JSON.stringify(rows)).not.toContain(FNR);
    expect(rows.map((row) => [row.plate, row.status, row.identity_hash])).toEqual([
      ['CU10001', 'ok', hash],
      ['CU10002', 'stopped', hash],
    ]);
    expect(rows.map((row) => [row.request, row.cells, row.answer])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(JSON.parse(String(rows[1]?.merknader))).toEqual([
      { kode: 'EIER_KAN_IKKE_IDENTIFISERES', beskrivelse: '' },
    ]);
    expect(temp.ledger.file(id)).not.toHaveProperty('layout');
    expect(temp.ledger.counts(id)).toMatchObject({ rows: 2, ok: 1, stopped: 1 });
    // A purged file is not purged again.
    expect(temp.ledger.purgeBefore(new Date(Date.now() + 60_000).toISOString())).toBe(0);
  });

  it('leaves files finished after the cutoff, and files not finished, as they are', async () => {
    const finished = await finishedFile('ny.csv');
    const open = temp.addFile('åpen.csv');
    temp.ledger.addValidRow(open, 2, personRequest('OPPRETTE', 'CU10003', FNR), [FNR]);
    expect(temp.ledger.purgeBefore('2000-01-01T00:00:00.000Z')).toBe(0);
    expect(temp.ledger.purgeBefore(new Date(Date.now() + 60_000).toISOString())).toBe(1);
    expect(rowsOnDisk(finished)[0]?.cells).toBeNull();
    expect(rowsOnDisk(open)[0]?.cells).toBe(JSON.stringify([FNR]));
  });

  it('turns merknader that are not a JSON array into NULL rather than keeping their text', async () => {
    const id = await finishedFile('rar.csv');
    const db = new DatabaseSync(join(temp.dir, 'ledger.sqlite'));
    db.prepare("UPDATE rows SET merknader = ? WHERE file_id = ? AND status = 'stopped'").run(
      `tekst ${FNR}`,
      id,
    );
    db.close();
    temp.ledger.purgeBefore(new Date(Date.now() + 60_000).toISOString());
    expect(rowsOnDisk(id)[1]?.merknader).toBeNull();
  });
});
