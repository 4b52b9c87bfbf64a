// Whether the ledger, the job's memory, can be trusted at the start of a run: a pure decision on what was found
// on disk (see inspect.ts), so that every case is a line in a table test.

/** What a look at the state folder and the archive found. */
export interface MemoryFindings {
  /** `absent`: no ledger file, or one of 0 bytes (a first run, or a volume lost). */
  readonly ledger: 'absent' | 'healthy' | 'damaged';
  /** What the check found wrong, for the message (SQLite's own words). */
  readonly damage?: string;
  /** The ledger has a record of at least one file. */
  readonly knowsFiles: boolean;
  /** `leasingtaker ledger new` (or `keep`) made this ledger on purpose: an archive it doesn't know is expected. */
  readonly acceptedAsIs: boolean;
  /** A run was open and the ledger's WAL file is gone: the last changes of that run are lost. */
  readonly walLost: boolean;
  /** The archive holds input files: earlier runs took them, so a ledger that knows no file has lost its memory. */
  readonly archiveHasFiles: boolean;
  /**
   * The job's own backup beside the archive: `current` when written after the last run that changed the ledger,
   * `behind` when a run since did not finish writing it (killed, or the backup failed).
   */
  readonly backup: 'none' | 'current' | 'behind';
  /**
   * `.ledger-backup.behind` is there: a run changed a ledger after its last backup and did not finish. Without
   * a ledger, that is memory lost even when the archive holds no input yet (files held in the inbox while an
   * archive on another volume waits for them, see inbox/claim-file.ts).
   */
  readonly runUnfinished?: boolean;
}

export type Remedy = 'restore' | 'keep' | 'new';

export type MemoryDecision =
  | { readonly kind: 'use' }
  | { readonly kind: 'restore'; readonly problem: string }
  | { readonly kind: 'refuse'; readonly problem: string; readonly remedies: readonly Remedy[] };

/**
 * Use the ledger as it is, restore the current backup by itself (the backup holds everything the ledger held),
 * or refuse and leave the choice to a person: a backup that is behind would resend what the last run sent, and
 * starting afresh forgets the rows waiting for a retry, so neither is done silently.
 */
export function decideMemory(found: MemoryFindings): MemoryDecision {
  const problem = problemOf(found);
  if (problem === undefined) return { kind: 'use' };
  if (found.backup === 'current' && !found.walLost) return { kind: 'restore', problem };
  const remedies: Remedy[] = [];
  if (found.backup !== 'none') remedies.push('restore');
  // Keeping is only for a ledger that is sound but short of its last changes; a damaged one can't be kept.
  if (found.ledger === 'healthy') remedies.push('keep');
  remedies.push('new');
  return { kind: 'refuse', problem, remedies };
}

function problemOf(found: MemoryFindings): string | undefined {
  switch (found.ledger) {
    case 'damaged':
      return `the ledger is damaged (${found.damage ?? 'it fails its integrity check'})`;
    case 'absent':
      if (found.archiveHasFiles)
        return 'the ledger is missing, but the archive holds files earlier runs took';
      if (found.backup !== 'none') return 'the ledger is missing, but there is a backup of it';
      if (found.runUnfinished)
        return 'the ledger is missing, but the last run did not finish (its files may be held in the inbox)';
      return undefined;
    case 'healthy':
      if (found.walLost) {
        return (
          'the ledger lost its last changes: a run did not finish, and its write-ahead log ' +
          '(ledger.sqlite-wal) is gone'
        );
      }
      if (!found.knowsFiles && !found.acceptedAsIs && found.archiveHasFiles)
        return 'the ledger knows no file, but the archive holds files earlier runs took';
      return undefined;
  }
}

/** What to tell the person who must choose, one sentence per remedy the decision allows. */
export function explainRefusal(
  decision: Extract<MemoryDecision, { kind: 'refuse' }>,
  places: { readonly state: string; readonly archive: string; readonly backupTime?: string },
): string {
  const lines = [
    `The job's memory is not to be trusted: ${decision.problem} (state folder ${places.state}). ` +
      'Nothing was sent: without its memory the job would forget rows waiting for a retry or send rows again. ' +
      'Choose one, then run again:',
    '- put back the state folder from your own backup of it, if you have one (ledger.sqlite with its -wal file);',
  ];
  for (const remedy of decision.remedies) {
    if (remedy === 'restore') {
      lines.push(
        `- \`leasingtaker ledger restore\`: take the job's own backup${places.backupTime ? ` of ${places.backupTime}` : ''} ` +
          `beside the archive (${places.archive}). It is older than the last run, which did not finish: rows that ` +
          'run sent go out again, as "maybe sent";',
      );
    }
    if (remedy === 'keep') {
      lines.push(
        '- `leasingtaker ledger keep`: go on with the ledger as it is, on purpose. What it lost is forgotten; ' +
          'rows without an outcome go out as "maybe sent". (When the WAL went because a program such as sqlite3 ' +
          'opened the ledger after the run was killed, it was folded into the ledger first: nothing is lost.);',
      );
    }
    if (remedy === 'new') {
      lines.push(
        '- `leasingtaker ledger new`: start afresh on purpose, with an empty ledger (the old one is kept aside). ' +
          'Rows waiting for a retry are forgotten, and files already in the archive are not read again.',
      );
    }
  }
  lines.push('See README.md, "The ledger: backup and restore".');
  return lines.join('\n');
}
