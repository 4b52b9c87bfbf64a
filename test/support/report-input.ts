// Builders for report tests: ledger rows and a ReportInput over an in-memory array, like the ledger's query.

import type { FileRecord, LedgerRow, OutcomeCounts, RowStatus } from '../../src/ledger/types.ts';
import type { ReportInput } from '../../src/report/types.ts';

/**
 * A valid synthetic fødselsnummer (Skatteetaten's test persons: month + 80) for a date part `DDMMYY`, trying
 * individnummer from `first` until both control digits exist.
 */
export function syntheticFodselsnummer(datePart: string, first = 100): string {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const control = (digits: string, weights: number[]) => {
    const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
    const k = 11 - (sum % 11);
    return k === 11 ? 0 : k;
  };
  for (let individ = first; individ < 1000; individ++) {
    const nine = `${datePart}${String(individ).padStart(3, '0')}`;
    const k1 = control(nine, w1);
    if (k1 === 10) continue;
    const k2 = control(`${nine}${k1}`, w2);
    if (k2 === 10) continue;
    return `${nine}${k1}${k2}`;
  }
  throw new Error(`no valid number for ${datePart}`);
}

export const HEADERS = ['Kjennemerke', 'Fødselsnummer', 'Etternavn', 'Handling', 'Notat'] as const;

export function fileRecord(overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    id: 1,
    owner: '',
    name: 'flåte.csv',
    path: '/archive/flåte.csv',
    format: 'csv',
    status: 'done',
    headers: [...HEADERS],
    headerRowNumber: 1,
    error: null,
    receivedAt: '2025-03-04T08:00:00.000Z',
    startedAt: '2025-03-04T08:00:01.000Z',
    finishedAt: '2025-03-04T08:02:00.000Z',
    runs: 1,
    ...overrides,
  };
}

export function ledgerRow(
  rowNumber: number,
  status: RowStatus,
  overrides: Partial<LedgerRow> = {},
): LedgerRow {
  const plate = `CU${10000 + rowNumber}`;
  return {
    fileId: 1,
    rowNumber,
    kjennemerke: plate,
    handling: 'OPPRETTE',
    cells: [plate, '63888700414', 'Østby', 'OPPRETTE', ''],
    status,
    attempts: status === 'pending' || status === 'invalid' || status === 'skipped' ? 0 : 1,
    runs: 1,
    httpStatus: status === 'failed' ? 503 : null,
    errorCode: status === 'failed' ? 'HTTP_503' : null,
    errorMessage: status === 'failed' ? 'API-et svarte 503 Service Unavailable' : null,
    answer:
      status === 'ok'
        ? {
            kuid: '7000000000123',
            kjennemerke: plate,
            understellsnummer: 'WVWZZZ1KZAW000123',
            merke: 'VOLKSWAGEN',
            handelsbetegnelse: 'GOLF',
            leasingtakerNavn: 'ØSTBY KARI',
          }
        : null,
    alreadySo: false,
    merknader:
      status === 'stopped'
        ? [{ kode: 'EIER_KAN_IKKE_IDENTIFISERES', beskrivelse: 'Eier kan ikke identifiseres' }]
        : [],
    problems:
      status === 'invalid' ? [{ column: 'Fødselsnummer', reason: 'Kontrollsifrene stemmer ikke' }] : [],
    skippedBecauseOf:
      status === 'skipped'
        ? { file: 'flåte-januar.csv', rowNumber: 7, at: '2025-01-15T09:30:00.000Z' }
        : null,
    updatedAt: '2025-03-04T08:01:00.000Z',
    ...overrides,
  };
}

export function countsOf(rows: readonly LedgerRow[]): { counts: OutcomeCounts; pending: number } {
  const by = (...statuses: RowStatus[]) => rows.filter((r) => statuses.includes(r.status)).length;
  return {
    counts: {
      rows: rows.length,
      ok: by('ok'),
      stopped: by('stopped'),
      failed: by('failed', 'pending', 'sending'),
      invalid: by('invalid'),
      skipped: by('skipped'),
    },
    pending: by('pending'),
  };
}

export interface FakeInput extends ReportInput {
  /** How often rowsWithStatus was called, and with what. */
  readonly calls: RowStatus[][];
}

/** A ReportInput over an array: rowsWithStatus filters lazily, in row order, like the ledger's query. */
export function reportInput(
  rows: readonly LedgerRow[],
  overrides: Partial<Omit<ReportInput, 'rowsWithStatus'>> = {},
): FakeInput {
  const calls: RowStatus[][] = [];
  const sorted = [...rows].sort((a, b) => a.rowNumber - b.rowNumber);
  return {
    file: fileRecord(),
    runStartedAt: new Date(2025, 2, 4, 9, 0, 1),
    runFinishedAt: new Date(2025, 2, 4, 9, 2, 30),
    ...countsOf(rows),
    ...overrides,
    calls,
    *rowsWithStatus(statuses, range = {}) {
      calls.push([...statuses]);
      const after = range.after ?? 0;
      const before = range.before ?? Number.POSITIVE_INFINITY;
      for (const row of sorted) {
        if (statuses.includes(row.status) && row.rowNumber > after && row.rowNumber < before) yield row;
      }
    },
  };
}
