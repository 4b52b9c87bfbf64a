import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEnvFile, settingReaders } from '../config.ts';
import { print, printError } from '../console.ts';
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
 * settings. Exit 0 when the plate is known, 1 when it is not, 2 when there is no ledger or no plate is named.
 */
export async function historyCommand(
  plate: string,
  options: { state?: string; json?: boolean; envFile?: string },
): Promise<number> {
  try {
    loadEnvFile(options.envFile);
  } catch (error) {
    printError(`${(error as Error).message}\n`);
    return 2;
  }
  if (plate.trim() === '') {
    printError('Name the plate to look up: leasingtaker history <kjennemerke> (for example CU10001).\n');
    return 2;
  }
  // The state folder as a run reads it (settings.ts): the same flag, variable and default.
  const state = resolve(settingReaders(process.env, { state: options.state }, []).text('state'));
  if (!existsSync(join(state, 'ledger.sqlite'))) {
    printError(
      `There is no ledger in ${state}: no run has worked with this state folder.\n` +
        'Point LEASINGTAKER_STATE (or --state) at the folder the runs use.\n',
    );
    return 2;
  }
  const parsed = parseKjennemerke(plate);
  // A plate that does not parse is looked up as written: invalid rows are recorded with the cell as it was.
  const key = parsed.ok ? parsed.value : plate.trim();
  let entries: HistoryEntry[];
  let total: number;
  try {
    const ledger = Ledger.openReadOnly(state);
    try {
      const rows = ledger.history(key, HISTORY_LIMIT);
      entries = rows.map(toEntry);
      total = rows.total;
    } finally {
      ledger.close();
    }
  } catch (error) {
    // SQLite's own words ("file is not a database", "database disk image is malformed"), and what to do.
    printError(
      `The ledger in ${state} cannot be read: it is damaged (${(error as Error).message}).\n` +
        'Run `leasingtaker doctor`; the next run restores it from its backup or says what to do.\n',
    );
    return 2;
  }

  if (options.json) {
    print(`${JSON.stringify({ kjennemerke: key, total, rows: entries }, null, 2)}\n`);
  } else if (entries.length === 0) {
    print(
      `The ledger has no row for ${key}.${parsed.ok ? '' : ` (${parsed.reason}.)`}\n` +
        'Files are recorded from the day they are taken from the inbox; check the spelling of the plate.\n',
    );
  } else {
    print(describe(key, entries, total));
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
      // Codes only: the API's text may name the lessee or hold the number in any spelling. The report has it.
      return `${row.merknader.map((merknad) => shownCode(merknad.kode)).join(', ')} (${MERKNAD_TEXT_NOT_SHOWN})`;
    case 'failed':
      return [
        row.httpStatus ? `HTTP ${row.httpStatus}` : '',
        row.errorCode ? shownCode(row.errorCode) : '',
        ownText(row.errorMessage ?? ''),
      ]
        .filter((part) => part !== '')
        .join(': ');
    case 'invalid':
      return row.problems.map((problem) => `${problem.column}: ${problem.reason}`).join('; ');
    case 'skipped':
      if (row.skipReason === 'hidden')
        return 'hidden in the workbook (filtered out or hidden by hand): not sent';
      if (row.supersededBy) {
        return `superseded by ${row.supersededBy.file}, row ${row.supersededBy.rowNumber}, which repeats it`;
      }
      return row.skippedBecauseOf
        ? `the same change went through in ${row.skippedBecauseOf.file}, row ${row.skippedBecauseOf.rowNumber}, ${localTime(row.skippedBecauseOf.at)}`
        : 'the same change went through before';
    case 'pending':
    case 'sending':
      return ownText(row.errorMessage ?? '') || 'not sent yet; the next run sends it';
  }
}

/** An 11- or 9-digit number in a text from the API is masked like any identifier on a console. */
function maskDigits(text: string): string {
  return text.replace(/(?<!\d)(\d{11}|\d{9})(?!\d)/g, (id) => maskId(id));
}

const MERKNAD_TEXT_NOT_SHOWN = 'the text is in the report of the file';

/**
 * A code the API sent (a merknad's or an error's), as history shows it: an upper-case identifier such as
 * `KJORETOY_IKKE_FUNNET`. Anything else is not shown, since a code that reads like a word or a sentence may be a
 * name; a number of six digits or more in it is blanked.
 */
export function shownCode(code: string): string {
  const trimmed = code.trim();
  if (!/^[\p{Lu}\p{N}_.:-]{1,60}$/u.test(trimmed)) return '(code not shown)';
  return trimmed.replace(/\d(?:[.-]?\d){5,}/g, '…');
}

/**
 * The job's own part of an error text. A failure that the API explained reads `HTTP 400: <the API's text>`
 * (api/classify.ts); that text may hold a name or a number with spaces, which no mask can know, so it stays in
 * the report.
 */
function ownText(message: string): string {
  return /^HTTP \d{3}(?::|$)/.test(message) ? '' : message;
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
