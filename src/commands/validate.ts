import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { print } from '../console.ts';
import { findColumns } from '../domain/columns.ts';
import { openFleetFile } from '../input/open-fleet-file.ts';
import { FleetFileError } from '../input/types.ts';
import { layoutNotes } from '../job/file-layout.ts';
import { ingestRows } from '../job/ingest.ts';
import { Ledger } from '../ledger/ledger.ts';
import { hiddenRowsText } from './hidden-rows-text.ts';
import { makeScratch, removeDeadScratch } from './validate-scratch.ts';

export interface FileVerdict {
  readonly file: string;
  readonly rows: number;
  readonly valid: number;
  readonly invalid: number;
  /** Rows hidden in the workbook (filtered out or hidden by hand): not sent. */
  readonly hiddenRows: readonly number[];
  readonly problems: readonly { readonly row: number; readonly column: string; readonly reason: string }[];
  readonly warnings: readonly string[];
  readonly error?: string;
}

/**
 * Reads each file the way `run` does (same readers, same rules, same duplicate checks through a throwaway
 * ledger on disk, so a million-row file doesn't fill memory) and reports, sending nothing.
 */
export async function validateFile(path: string, sheet?: string): Promise<FileVerdict> {
  const file = basename(path);
  const empty = { file, rows: 0, valid: 0, invalid: 0, hiddenRows: [], problems: [], warnings: [] };
  let fleetFile: Awaited<ReturnType<typeof openFleetFile>> | undefined;
  const scratch = makeScratch();
  const ledger = Ledger.open(scratch);
  try {
    fleetFile = await openFleetFile(path, { header: findColumns, ...(sheet ? { sheet } : {}) });
    const columns = findColumns(fleetFile.headers);
    if (!columns.ok) return { ...empty, error: columns.message };
    const fileId = ledger.addFile({
      owner: '',
      name: file,
      path,
      format: fleetFile.format,
      sha256: '',
      size: 0,
    });
    await ingestRows(fleetFile.rows, {
      ledger,
      fileId,
      owner: '',
      columns: columns.columns,
      room: () => Promise.resolve(),
      onBatch: () => {},
    });
    const counts = ledger.counts(fileId);
    const problems = [];
    for (const row of ledger.rowsWithStatus(fileId, ['invalid'])) {
      for (const problem of row.problems) problems.push({ row: row.rowNumber, ...problem });
    }
    // Row numbers only: a filter may hide most of a 200,000-row file.
    const hiddenRows: number[] = [];
    for (const row of ledger.rowsWithStatus(fileId, ['skipped'])) {
      if (row.skipReason === 'hidden') hiddenRows.push(row.rowNumber);
    }
    return {
      file,
      rows: counts.rows,
      valid: counts.rows - counts.invalid - hiddenRows.length,
      invalid: counts.invalid,
      hiddenRows,
      problems,
      warnings: [...columns.warnings, ...layoutNotes(fleetFile)],
    };
  } catch (error) {
    if (error instanceof FleetFileError) return { ...empty, error: error.message };
    throw error;
  } finally {
    await fleetFile?.close();
    ledger.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function validateCommand(
  files: string[],
  options: { sheet?: string; json?: boolean },
): Promise<number> {
  // What a validate killed before left in the temp folder: a ledger of its file's rows.
  removeDeadScratch();
  const verdicts: FileVerdict[] = [];
  for (const path of files) {
    const verdict = await validateFile(path, options.sheet);
    verdicts.push(verdict);
    if (!options.json) print(describe(verdict));
  }
  if (options.json) print(`${JSON.stringify({ files: verdicts }, null, 2)}\n`);
  return verdicts.every((verdict) => !verdict.error && verdict.invalid === 0) ? 0 : 1;
}

/** `n` with the singular or plural noun: "1 rad", "2 rader". */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The verdict for the clerk who checks a file before dropping it into the inbox: in Norwegian, like the
 * reasons and the report she reads afterwards (`--json` keeps its English keys, for machines).
 */
function describe(verdict: FileVerdict): string {
  if (verdict.error) return `✗ ${verdict.file}: kan ikke brukes.\n  ${verdict.error}\n\n`;
  const lines = [
    `${verdict.invalid === 0 ? '✓' : '✗'} ${verdict.file}: ${count(verdict.rows, 'rad', 'rader')}, ` +
      `${count(verdict.valid, 'gyldig', 'gyldige')}, ${count(verdict.invalid, 'ugyldig', 'ugyldige')}`,
  ];
  for (const warning of verdict.warnings) lines.push(`  merk: ${warning}`);
  if (verdict.hiddenRows.length > 0) lines.push(`  ${hiddenRowsText(verdict.hiddenRows)}`);
  for (const problem of verdict.problems)
    lines.push(`  rad ${problem.row}, ${problem.column}: ${problem.reason}`);
  if (verdict.invalid > 0) {
    lines.push('  Ugyldige rader blir ikke sendt. Rett dem i filen og sjekk den igjen.');
  }
  return `${lines.join('\n')}\n\n`;
}
