import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEnvFile } from '../config.ts';
import { parseKjennemerke } from '../domain/kjennemerke.ts';
import { maskId } from '../domain/mask.ts';
import { Ledger } from '../ledger/ledger.ts';
import type { LedgerRow } from '../ledger/types.ts';

/** One attempt at a change of one vehicle, as `history` shows it: no fødselsnummer, no name, no input cells. */
export interface HistoryEntry {
  /** When the row got its latest status (ISO time). */
  readonly at: string;
  readonly file: string;
  /** The fleet owner's organisasjonsnummer for a delegated file; '' for the installation's own. */
  readonly owner: string;
  readonly row: number;
  readonly handling: string | null;
  /** ok, stopped, failed, invalid, skipped; pending or sending when it has none yet. */
  readonly outcome: string;
  readonly attempts: number;
  readonly details: string;
}

/** Rows shown at most: a plate may have a million (a file that names only it), too many to print or hold. */
const HISTORY_LIMIT = 1_000;

/**
 * `leasingtaker history PLATE`: what the ledger knows about a vehicle, oldest first, for the staff member who
 * asks "did we register the lessee on CU10001 in March?". Needs only the state folder, no Maskinporten
 * settings. Exit 0 when the plate is known, 1 when it is not, 2 when there is no ledger.
 */
export async function historyCommand(
  plate: string,
  options: { state?: string; json?: boolean; envFile?: string },
): Promise<number> {
  try {
    loadEnvFile(options.envFile);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const state = resolve(options.state ?? (process.env.LEASINGTAKER_STATE?.trim() || './state'));
  if (!existsSync(join(state, 'ledger.sqlite'))) {
    process.stderr.write(
      `There is no ledger in ${state}: no run has worked with this state folder.\n` +
        'Point LEASINGTAKER_STATE (or --state) at the folder the runs use.\n',
    );
    return 2;
  }
  const parsed = parseKjennemerke(plate);
  // A plate that does not parse is looked up as written: invalid rows are recorded with the cell as it was.
  const key = parsed.ok ? parsed.value : plate.trim();
  const ledger = Ledger.open(state);
  let entries: HistoryEntry[];
  let total: number;
  try {
    const rows = ledger.history(key, HISTORY_LIMIT);
    entries = rows.map(toEntry);
    total = rows.total;
  } finally {
    ledger.close();
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ kjennemerke: key, total, rows: entries }, null, 2)}\n`);
  } else if (entries.length === 0) {
    process.stdout.write(
      `The ledger has no row for ${key}.${parsed.ok ? '' : ` (${parsed.reason}.)`}\n` +
        'Files are recorded from the day they are taken from the inbox; check the spelling of the plate.\n',
    );
  } else {
    process.stdout.write(describe(key, entries, total));
  }
  return entries.length > 0 ? 0 : 1;
}

export function toEntry(row: LedgerRow & { file: string; owner: string }): HistoryEntry {
  return {
    at: row.updatedAt,
    file: row.file,
    owner: row.owner,
    row: row.rowNumber,
    handling: row.handling,
    outcome: row.status,
    attempts: row.attempts,
    details: maskDigits(details(row)),
  };
}

function details(row: LedgerRow): string {
  switch (row.status) {
    case 'ok':
      return row.alreadySo ? 'already so in the register (a request before may have done it)' : '';
    case 'stopped':
      return row.merknader.map((merknad) => `${merknad.kode}: ${merknad.beskrivelse}`).join('; ');
    case 'failed':
      return [row.httpStatus ? `HTTP ${row.httpStatus}` : '', row.errorCode ?? '', row.errorMessage ?? '']
        .filter((part) => part !== '')
        .join(': ');
    case 'invalid':
      return row.problems.map((problem) => `${problem.column}: ${problem.reason}`).join('; ');
    case 'skipped':
      if (row.supersededBy) {
        return `superseded by ${row.supersededBy.file}, row ${row.supersededBy.rowNumber}, which repeats it`;
      }
      return row.skippedBecauseOf
        ? `the same change went through in ${row.skippedBecauseOf.file}, row ${row.skippedBecauseOf.rowNumber}, ${localTime(row.skippedBecauseOf.at)}`
        : 'the same change went through before';
    case 'pending':
    case 'sending':
      return row.errorMessage ?? 'not sent yet; the next run sends it';
  }
}

/** An 11- or 9-digit number in a text from the API is masked like any identifier on a console. */
function maskDigits(text: string): string {
  return text.replace(/(?<!\d)(\d{11}|\d{9})(?!\d)/g, (id) => maskId(id));
}

function describe(plate: string, entries: readonly HistoryEntry[], total: number): string {
  const header = ['time', 'file', 'row', 'handling', 'outcome', 'attempts', 'details'];
  const lines = entries.map((entry) => [
    localTime(entry.at),
    entry.owner ? `${entry.owner}/${entry.file}` : entry.file,
    String(entry.row),
    entry.handling ?? '',
    entry.outcome,
    String(entry.attempts),
    entry.details,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : column === 2 || column === 5
            ? cell.padStart(widths[column] ?? 0)
            : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    `${plate}: ${total} row(s) in the ledger` +
    `${total > entries.length ? `; the latest ${entries.length}` : ''}, oldest first (times in ${zone}).\n\n` +
    [format(header), ...lines.map(format)].join('\n') +
    '\n'
  );
}

/** `2026-03-14 09:12`, in the machine's time zone (TZ). */
function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
