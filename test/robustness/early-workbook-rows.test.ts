// The workbook begun early holds what the one written after sending held: Oppsummering first, and in
// Vellykket every row the ledger has as ok, once, in row order, however the rows settled. Each run below settles
// them unevenly: one plate (one row at a time), failures holding back later rows of their plate, a retry run
// (begun at once), a stop by SIGTERM and by the circuit breaker.

import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInstallation,
  dropFleet,
  fleetCsv,
  type Installation,
  ledgerRows,
  planFleet,
  summariesByFile,
} from '../support/installation.ts';
import { resaveWithLibreOffice, SOFFICE } from '../support/libreoffice.ts';
import { planOnePlate } from '../support/one-plate.ts';
import { radNumbers, readWorkbook, SHEET_NAMES, sheet } from '../support/report-read-back.ts';
import { startWriter } from '../support/slow-writer.ts';

/** The latest report of `file` against the ledger as the run left it. */
async function expectReportMatchesLedger(install: Installation, file: string): Promise<number> {
  const summary = summariesByFile(install.reports).get(file)?.at(-1);
  if (!summary) throw new Error(`no report of ${file}`);
  const workbook = await readWorkbook(join(install.reports, summary.report));
  expect(workbook.worksheets.map((ws) => ws.name)).toEqual(SHEET_NAMES);
  const ok = ledgerRows(install.state)
    .filter((row) => row.file === file && row.status === 'ok')
    .map((row) => row.rowNumber)
    .sort((a, b) => a - b);
  expect(radNumbers(sheet(workbook, 'Vellykket'))).toEqual(ok);
  expect(summary.ok).toBe(ok.length);
  return ok.length;
}

describe('the workbook begun early holds every ok row once, in row order', () => {
  let install: Installation | undefined;
  const writers: Awaited<ReturnType<typeof startWriter>>[] = [];
  afterEach(async () => {
    for (const writer of writers.splice(0)) writer.child.kill('SIGKILL');
    await install?.close();
    install = undefined;
  });

  it('failures between ok rows, rows held behind them, then the retry run that begins the workbook at once', async () => {
    install = await createInstallation({ faults: { latencyMs: 2, share503: 0.15 }, seed: 7 });
    const rows = planFleet(700, 77_000);
    dropFleet(install.inbox, 'flate.csv', rows);
    const first = await install.run({
      LEASINGTAKER_MAX_ATTEMPTS: '1',
      LEASINGTAKER_BREAKER_THRESHOLD: '1000',
    });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const okFirst = await expectReportMatchesLedger(install, 'flate.csv');
    expect(okFirst).toBeGreaterThan(0);
    expect(okFirst).toBeLessThan(rows.filter((row) => row.expected === 'ok').length);

    install.local.sim.faults = { ...install.local.sim.faults, share503: 0 };
    const retry = await install.run();
    expect(retry.code, retry.stdout + retry.stderr).toBe(0);
    const okThen = await expectReportMatchesLedger(install, 'flate.csv');
    expect(okThen).toBe(rows.filter((row) => row.expected === 'ok').length);
  }, 60_000);

  it('one plate: the rows settle one at a time', async () => {
    install = await createInstallation({ faults: { latencyMs: 1 } });
    dropFleet(install.inbox, 'en-bil.csv', planOnePlate(450));
    const run = await install.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await expectReportMatchesLedger(install, 'en-bil.csv')).toBe(450);
  }, 60_000);

  it('stopped by SIGTERM while the rows are sent', async () => {
    install = await createInstallation({ faults: { latencyMs: 15 } });
    dropFleet(install.inbox, 'flate.csv', planFleet(800, 78_000));
    const run = install.start();
    while (run.running() && ledgerRowsOk(install) < 300) await sleep(5);
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const ok = await expectReportMatchesLedger(install, 'flate.csv');
    expect(ok).toBeGreaterThanOrEqual(300);
    expect(ok).toBeLessThan(700);
  }, 60_000);

  it('stopped by the circuit breaker while the rows are sent', async () => {
    install = await createInstallation({ faults: { latencyMs: 5 } });
    dropFleet(install.inbox, 'flate.csv', planFleet(800, 79_000));
    const run = install.start({ LEASINGTAKER_MAX_ATTEMPTS: '1', LEASINGTAKER_BREAKER_THRESHOLD: '5' });
    while (run.running() && ledgerRowsOk(install) < 250) await sleep(5);
    if (install) install.local.sim.faults = { ...install.local.sim.faults, down: true };
    const result = await run.result;
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/breaker|stopp/i);
    const ok = await expectReportMatchesLedger(install, 'flate.csv');
    expect(ok).toBeGreaterThanOrEqual(250);
    expect(ok).toBeLessThan(700);
  }, 60_000);

  it.skipIf(!SOFFICE)(
    'an xlsx saved by LibreOffice',
    async () => {
      install = await createInstallation({ faults: { latencyMs: 2 } });
      const work = join(install.dir, 'work');
      mkdirSync(work, { recursive: true });
      dropFleet(work, 'flate.csv', planFleet(400, 80_000));
      const xlsx = resaveWithLibreOffice(join(work, 'flate.csv'), 'xlsx', join(work, 'out'));
      renameSync(xlsx, join(install.inbox, 'flate.xlsx'));
      const run = await install.run();
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(await expectReportMatchesLedger(install, 'flate.xlsx')).toBe(360);
    },
    60_000,
  );

  it('a file taken while still copied, its rest read by the next run', async () => {
    install = await createInstallation({ faults: { latencyMs: 2 } });
    const rows = planFleet(500, 81_000);
    const text = Buffer.from(fleetCsv(rows));
    let cut = 0;
    for (let line = 0; line < 250; line++) cut = text.indexOf(10, cut) + 1;
    const writer = await startWriter(join(install.inbox, 'mars.csv'), text, cut + 4, 1, install.dir);
    writers.push(writer);
    const first = await install.run({ LEASINGTAKER_SETTLE_MS: '1000' });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const before = await expectReportMatchesLedger(install, 'mars.csv');
    writer.resume();
    await writer.done;
    const second = await install.run({ LEASINGTAKER_SETTLE_MS: '1000' });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const after = await expectReportMatchesLedger(install, 'mars.csv');
    expect(before).toBeLessThan(after);
    expect(after).toBe(rows.filter((row) => row.expected === 'ok').length);
  }, 60_000);
});

function ledgerRowsOk(install: Installation | undefined): number {
  if (!install) return 0;
  try {
    return ledgerRows(install.state).filter((row) => row.status === 'ok').length;
  } catch {
    return 0;
  }
}
