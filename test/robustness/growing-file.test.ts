// Issue 13.1: a file still being copied when the run takes it. A real writer process holds the file open, pauses
// mid-row (a copy over a slow share stalling), and writes the rest once told to: after the file was taken.

import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiCalls,
  archivedInputs,
  callKey,
  createInstallation,
  fleetCsv,
  type Installation,
  latestSummary,
  ledgerRows,
  notPrivate,
  type PlannedRow,
  planSingles,
} from '../support/installation.ts';
import { startWriter, type Writer } from '../support/slow-writer.ts';

/** The file's bytes, and where to cut them: `keep` bytes into data row `cutRow` (1-based). */
function cutInRow(rows: readonly PlannedRow[], cutRow: number, keep: number): { text: Buffer; cut: number } {
  const text = Buffer.from(fleetCsv(rows));
  let at = 0;
  for (let line = 0; line < cutRow; line++) at = text.indexOf(10, at) + 1;
  return { text, cut: at + keep };
}

/** `others`: rows that other files of the installation sent. */
function expectEveryRowOnceAndWhole(
  install: Installation,
  rows: readonly PlannedRow[],
  file: string,
  others: readonly PlannedRow[] = [],
): void {
  const calls = apiCalls(install.local.sim.calls);
  const planned = new Set([...rows, ...others].map((row) => row.key));
  // No call for a plate that is not in the file: a row cut short would be another vehicle's plate.
  expect(calls.filter((call) => !planned.has(callKey(call))).map(callKey)).toEqual([]);
  const perKey = new Map<string, number>();
  for (const call of calls) perKey.set(callKey(call), (perKey.get(callKey(call)) ?? 0) + 1);
  expect([...perKey.values()].every((n) => n === 1)).toBe(true);
  expect(perKey.size).toBe(rows.length + others.length);
  const ledger = ledgerRows(install.state).filter((row) => row.file === file);
  expect(ledger.map((row) => row.plate)).toEqual(rows.map((row) => row.plate));
  expect(ledger.map((row) => row.status)).toEqual(rows.map((row) => row.expected));
}

describe('a file still being written when it is taken', () => {
  let install: Installation | undefined;
  const writers: Writer[] = [];
  afterEach(async () => {
    for (const writer of writers.splice(0)) {
      writer.child.kill('SIGKILL');
      await writer.done;
    }
    await install?.close();
    install = undefined;
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const cleanup: string[] = [];

  it('sends no row cut short, and reads the rows written after the take in the next run', async () => {
    install = await createInstallation();
    // Row 22 is CU41752; the copy stalls after `CU4175`, another vehicle's plate.
    const rows = planSingles(40, 41_731);
    expect(rows[21]?.plate).toBe('CU41752');
    const { text, cut } = cutInRow(rows, 22, 'CU4175'.length);
    const path = join(install.inbox, 'mars.csv');
    const writer = await startWriter(path, text, cut, 5, install.dir);
    writers.push(writer);

    // The settle check's two looks a second apart see the stalled copy unchanged: it is taken.
    const firstRun = await install.run({ LEASINGTAKER_SETTLE_MS: '1000' });
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).toBe(0);
    expect(readdirSync(install.inbox)).toEqual([]);
    expect(latestSummary(install.reports, 'mars.csv')).toMatchObject({ rows: 21, ok: 20, stopped: 1 });
    expect(apiCalls(install.local.sim.calls).map(callKey)).not.toContain('CU4175|OPPRETTE');

    // The copy goes on, into the file where it now is, and ends.
    writer.resume();
    await writer.done;
    const secondRun = await install.run({ LEASINGTAKER_SETTLE_MS: '1000' });
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(0);
    expectEveryRowOnceAndWhole(install, rows, 'mars.csv');
    const summary = latestSummary(install.reports, 'mars.csv');
    expect(summary).toMatchObject({ rows: 40, ok: 38, stopped: 2, failed: 0 });
    expect(summary?.notice).toMatch(/endret etter at den ble hentet/);
    expect(notPrivate(archivedInputs(install.archive))).toEqual([]);
  }, 60_000);

  it('reads the rows that arrive while the run is still sending, in that run or the next, in order', async () => {
    install = await createInstallation({ faults: { latencyMs: 40 } });
    const rows = planSingles(60, 42_000);
    const { text, cut } = cutInRow(rows, 20, 3);
    const path = join(install.inbox, 'april.csv');
    const writer = await startWriter(path, text, cut, 50, install.dir);
    writers.push(writer);

    const running = install.start({ LEASINGTAKER_SETTLE_MS: '1000', LEASINGTAKER_CONCURRENCY: '1' });
    // Once the file has left the inbox, the copy goes on while the run reads and sends.
    while (existsSync(path)) await sleep(10);
    writer.resume();
    const firstRun = await running.result;
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).toBe(0);
    await writer.done;
    const secondRun = await install.run();
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(0);

    expectEveryRowOnceAndWhole(install, rows, 'april.csv');
    // In file order: the register saw the rows as the file lists them.
    const order = apiCalls(install.local.sim.calls).map((call) => call.kjennemerke);
    expect(order).toEqual(rows.map((row) => row.plate));
    expect(latestSummary(install.reports, 'april.csv')?.notice).toMatch(/endret etter at den ble hentet/);
  }, 60_000);

  it('holds back a last line without a line end until the file has been unchanged for long', async () => {
    install = await createInstallation();
    const rows = planSingles(10, 43_000);
    // A hand-made file whose last line has no line end, unchanged for an hour when the run takes it.
    const path = join(install.inbox, 'hand.csv');
    writeFileSync(path, fleetCsv(rows).replace(/\r\n$/, ''));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, anHourAgo, anHourAgo);
    // And one of a single row, written the same way: until its line is read it has only a header.
    const single = planSingles(1, 43_100);
    const singlePath = join(install.inbox, 'en.csv');
    writeFileSync(singlePath, fleetCsv(single).replace(/\r\n$/, ''));
    utimesSync(singlePath, anHourAgo, anHourAgo);

    const firstRun = await install.run();
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).toBe(1);
    expect(latestSummary(install.reports, 'en.csv')?.notice).toMatch(/Siste linje/);
    expect(latestSummary(install.reports, 'hand.csv')).toMatchObject({ rows: 9 });
    expect(latestSummary(install.reports, 'hand.csv')?.notice).toMatch(/Siste linje/);
    expect(apiCalls(install.local.sim.calls)).toHaveLength(9);
    expect(latestSummary(install.reports, 'en.csv')).toMatchObject({ rows: 0 });

    // The next run finds it as it was: the last line is a row after all.
    const secondRun = await install.run();
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(0);
    expectEveryRowOnceAndWhole(install, rows, 'hand.csv', single);
    expect(latestSummary(install.reports, 'hand.csv')).toMatchObject({ rows: 10 });
    expect(latestSummary(install.reports, 'en.csv')).toMatchObject({ rows: 1, failed: 0 });
    expect(latestSummary(install.reports, 'en.csv')?.error).toBeUndefined();

    // And then it is at rest: nothing more to do.
    const thirdRun = await install.run();
    expect(thirdRun.stdout).toMatch(/Nothing to do/);
  }, 60_000);

  it('across volumes, holds the file on the inbox volume until it is at rest, then archives all of it', async () => {
    install = await createInstallation();
    // /dev/shm is another file system than the temp folder: a move into the archive there is a copy, which
    // would leave the writer writing into the inbox's unlinked file.
    const archive = mkdtempSync('/dev/shm/leasingtaker-archive-');
    cleanup.push(archive);
    const env = { LEASINGTAKER_ARCHIVE: archive, LEASINGTAKER_SETTLE_MS: '1000' };
    const rows = planSingles(40, 44_000);
    const { text, cut } = cutInRow(rows, 22, 4);
    const writer = await startWriter(join(install.inbox, 'mai.csv'), text, cut, 5, install.dir);
    writers.push(writer);

    const firstRun = await install.run(env);
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).toBe(0);
    // Out of the listing's sight, but on the writer's volume, under its inode.
    const inbox = readdirSync(install.inbox);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatch(/^\.leasingtaker-held-[0-9a-f]{8}-mai\.csv$/);
    const held = join(install.inbox, inbox[0] as string);
    expect(statSync(held).mode & 0o777).toBe(0o600);
    expect(latestSummary(install.reports, 'mai.csv')).toMatchObject({ rows: 21 });

    writer.resume();
    await writer.done;
    const secondRun = await install.run(env);
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(0);
    expectEveryRowOnceAndWhole(install, rows, 'mai.csv');

    // Once it has been unchanged for long, the next runs copy it into the archive, whole.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(held, anHourAgo, anHourAgo);
    await install.run(env);
    await install.run(env);
    expect(readdirSync(install.inbox)).toEqual([]);
    const archived = archivedInputs(archive);
    expect(archived).toHaveLength(1);
    expect(readFileSync(archived[0] as string)).toEqual(text);
    expect(notPrivate(archived)).toEqual([]);
    expectEveryRowOnceAndWhole(install, rows, 'mai.csv');
  }, 90_000);

  it('reads an .xlsx taken half-written again once it is complete', async () => {
    install = await createInstallation();
    const rows = planSingles(30, 45_000);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Flåte');
    sheet.addRow(['Kjennemerke', 'Handling', 'Fødselsnummer', 'Etternavn']);
    for (const row of rows) sheet.addRow([row.plate, row.handling, row.fnr, row.etternavn]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const writer = await startWriter(
      join(install.inbox, 'juni.xlsx'),
      bytes,
      Math.floor(bytes.length / 2),
      5,
      install.dir,
    );
    writers.push(writer);

    const firstRun = await install.run({ LEASINGTAKER_SETTLE_MS: '1000' });
    expect(firstRun.code).toBe(1);
    const refused = latestSummary(install.reports, 'juni.xlsx');
    expect(refused?.error).toBeTruthy();
    expect(refused?.notice).toMatch(/kanskje fortsatt skrevet/);
    expect(apiCalls(install.local.sim.calls)).toEqual([]);

    writer.resume();
    await writer.done;
    const secondRun = await install.run();
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).toBe(0);
    expectEveryRowOnceAndWhole(install, rows, 'juni.xlsx');
    expect(latestSummary(install.reports, 'juni.xlsx')).toMatchObject({ rows: 30, failed: 0 });
    expect(latestSummary(install.reports, 'juni.xlsx')?.error).toBeUndefined();
  }, 60_000);
});
