// The ledger's record of each fleet file: what a new record holds, how a run moves it on, and what the last
// read of a growing file saw.

import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { personRequest } from '../support/api-requests.ts';
import { useTempLedger } from '../support/temp-ledger.ts';

const temp = useTempLedger();

/** What another connection (a process after a crash) reads of a file's record now. */
function onDisk(id: number): Record<string, unknown> | undefined {
  const db = new DatabaseSync(join(temp.dir, 'ledger.sqlite'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM files WHERE id = ?').get(id);
  } finally {
    db.close();
  }
}

describe('file records', () => {
  it('records a new file as being read, on disk before addFile returns', () => {
    const id = temp.addFile('flåte.csv', '912345678');
    expect(temp.ledger.file(id)).toMatchObject({
      id,
      owner: '912345678',
      name: 'flåte.csv',
      path: '/arkiv/flåte.csv',
      format: 'csv',
      status: 'reading',
      headers: [],
      headerRowNumber: 1,
      error: null,
      startedAt: null,
      finishedAt: null,
      runs: 0,
      grew: false,
    });
    expect(temp.ledger.file(id)).not.toHaveProperty('layout');
    expect(onDisk(id)?.name).toBe('flåte.csv');
  });

  it('refuses a file id it has no record of', () => {
    expect(() => temp.ledger.file(99)).toThrow('Ledger has no file 99');
  });

  it('keeps headers, delimiter, layout, path and the retry report as set', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.setFileHeaders(id, ['Kjennemerke', 'Fnr'], 3, ';');
    temp.ledger.setFileLayout(id, { rowsAbove: [{ rowNumber: 1, text: 'Flåteliste' }] });
    temp.ledger.setFilePath(id, '/arkiv/2026-12-01/a.csv');
    temp.ledger.setRetryReport(id, '/rapporter/a.igjen.csv');
    expect(temp.ledger.file(id)).toMatchObject({
      headers: ['Kjennemerke', 'Fnr'],
      headerRowNumber: 3,
      path: '/arkiv/2026-12-01/a.csv',
      layout: { rowsAbove: [{ rowNumber: 1, text: 'Flåteliste' }] },
    });
    expect(temp.ledger.csvDelimiter(id)).toBe(';');
    expect(temp.ledger.retryReport(id)).toBe('/rapporter/a.igjen.csv');
    expect(temp.ledger.hasFileAt('/arkiv/2026-12-01/a.csv')).toBe(true);
    expect(temp.ledger.hasFileAt('/arkiv/a.csv')).toBe(false);
    expect(onDisk(id)?.path).toBe('/arkiv/2026-12-01/a.csv');
  });

  it('answers null for the delimiter and retry report of a file it does not know', () => {
    expect(temp.ledger.csvDelimiter(99)).toBeNull();
    expect(temp.ledger.retryReport(99)).toBeNull();
  });

  it('counts runs, stamps the end of a finished file, and keeps it when the status changes again', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.startFileRun(id);
    temp.ledger.startFileRun(id);
    temp.ledger.setFileStatus(id, 'sending');
    expect(temp.ledger.file(id)).toMatchObject({ runs: 2, status: 'sending', finishedAt: null });
    expect(temp.ledger.file(id).startedAt).not.toBeNull();
    temp.ledger.setFileStatus(id, 'unreadable', 'Fila er tom');
    const finished = temp.ledger.file(id);
    expect(finished).toMatchObject({ status: 'unreadable', error: 'Fila er tom' });
    expect(finished.finishedAt).not.toBeNull();
    temp.ledger.setFileStatus(id, 'sending');
    expect(temp.ledger.file(id).finishedAt).toBe(finished.finishedAt);
  });

  it('lists unfinished files and finished files with rows left to retry, oldest first', () => {
    const reading = temp.addFile('leses.csv');
    const sending = temp.addFile('sendes.csv');
    const done = temp.addFile('ferdig.csv');
    const retry = temp.addFile('igjen.csv');
    temp.ledger.setFileStatus(sending, 'sending');
    temp.ledger.setFileStatus(done, 'done');
    temp.ledger.setFileStatus(retry, 'done');
    temp.ledger.addValidRow(retry, 2, personRequest('OPPRETTE', 'CU10001'), []);
    expect(temp.ledger.unfinishedFiles().map((file) => file.id)).toEqual([reading, sending]);
    expect(temp.ledger.filesWithRetryableRows(5).map((file) => file.id)).toEqual([retry]);
    // A row that has had its runs is left for a person.
    expect(temp.ledger.filesWithRetryableRows(0)).toEqual([]);
  });

  it('forgets a file only while it has no rows', () => {
    const empty = temp.addFile('tom.csv');
    const full = temp.addFile('full.csv');
    temp.ledger.addValidRow(full, 2, personRequest('OPPRETTE', 'CU10001'), []);
    temp.ledger.forgetFile(empty);
    temp.ledger.forgetFile(full);
    expect(() => temp.ledger.file(empty)).toThrow();
    expect(temp.ledger.file(full).name).toBe('full.csv');
  });
});

describe('growth of a file after it was taken', () => {
  const look = { size: 120, mtimeMs: 1_764_576_000_000.5, tailHeld: true };

  it('has no look before the first read, then the last read’s', () => {
    const id = temp.addFile('a.csv');
    expect(temp.ledger.fileLook(id)).toBeUndefined();
    temp.ledger.recordRead(id, look, false);
    expect(temp.ledger.fileLook(id)).toEqual(look);
    temp.ledger.recordRead(id, { ...look, size: 200, tailHeld: false }, false);
    expect(temp.ledger.fileLook(id)).toEqual({ ...look, size: 200, tailHeld: false });
  });

  it('keeps a finished file unsettled until settled, and remembers once it grew', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.recordRead(id, look, true);
    expect(temp.ledger.unsettledFiles()).toEqual([]); // still being read
    temp.ledger.setFileStatus(id, 'done');
    expect(temp.ledger.unsettledFiles()).toEqual([expect.objectContaining({ id, grew: true, look })]);
    temp.ledger.recordRead(id, look, false);
    expect(temp.ledger.file(id).grew).toBe(true);
    temp.ledger.settleFile(id);
    expect(temp.ledger.unsettledFiles()).toEqual([]);
  });

  it('reopens a finished file to be read again, clearing its end and error', () => {
    const id = temp.addFile('a.csv');
    temp.ledger.setFileStatus(id, 'unreadable', 'Ufullstendig');
    temp.ledger.reopenFile(id, true);
    expect(temp.ledger.file(id)).toMatchObject({
      status: 'reading',
      error: null,
      finishedAt: null,
      grew: true,
    });
    expect(temp.ledger.unfinishedFiles().map((file) => file.id)).toEqual([id]);
  });
});
