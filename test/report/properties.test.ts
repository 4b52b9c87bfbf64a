import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RowStatus } from '../../src/ledger/types.ts';
import { writeFileReports } from '../../src/report/load-writer.ts';
import { fileRecord, ledgerRow, reportInput } from './fixtures.ts';
import { radNumbers, readCsv, readWorkbook, SHEET_NAMES, sheet } from './read-back.ts';

const STATUSES: RowStatus[] = ['pending', 'sending', 'ok', 'stopped', 'failed', 'invalid', 'skipped'];

describe('for any mix of statuses', () => {
  it('the summary adds up, every row is in exactly one sheet, and the retry file holds the rest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...STATUSES), { maxLength: 40 }),
        fc.constantFrom('csv' as const, 'xlsx' as const),
        async (statuses, format) => {
          const dir = await mkdtemp(join(tmpdir(), 'report-prop-'));
          try {
            const rows = statuses.map((status, i) => ledgerRow(i + 2, status));
            const file = fileRecord({ name: `flåte.${format}`, format });
            const paths = await writeFileReports(reportInput(rows, { file }), dir);

            const summary = JSON.parse(await readFile(paths.summary, 'utf8'));
            expect(summary.rows).toBe(rows.length);
            expect(summary.ok + summary.stopped + summary.failed + summary.invalid + summary.skipped).toBe(
              rows.length,
            );

            const workbook = await readWorkbook(paths.xlsx);
            const seen = SHEET_NAMES.slice(1).flatMap((name) => radNumbers(sheet(workbook, name)));
            expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => r.rowNumber));

            const retried = rows.filter((r) =>
              ['stopped', 'failed', 'pending', 'sending'].includes(r.status),
            );
            if (retried.length === 0) {
              expect(paths.retry).toBeNull();
            } else if (format === 'csv') {
              const { records } = await readCsv(paths.retry ?? '');
              expect(records.slice(1).map((r) => r[0])).toEqual(retried.map((r) => r.kjennemerke));
            } else {
              const ws = sheet(await readWorkbook(paths.retry ?? ''), 'Rader');
              expect(ws.actualRowCount).toBe(1 + retried.length);
            }
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
