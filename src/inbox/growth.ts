// Files that go on changing after they were taken. The settle check in the inbox (two looks a second apart) can't
// tell a finished file from a copy paused over a slow share; so no look is trusted to mean "finished". A CSV is
// read only up to its last line end; after a file has been read its size and mtime are recorded, and every later
// run looks at it again until it has been unchanged for `restMs`: a file that changed is read again (rows already
// recorded are passed over, new ones sent in order), a last line without a line end is read once the file has
// been at rest that long, and a file at rest is not looked at any more.

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ownerLogField } from '../domain/owner.ts';
import type { FileLook, Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { archiveHeldFile, isHeldPath } from './claim-file.ts';

/**
 * How long a file must be unchanged to be taken as complete: far longer than any pause of a copy in progress,
 * and far longer than the settle time. Excel and LibreOffice end every line, so in practice this only delays the
 * last row of a hand-made CSV without a final line end, to a run at least this long after its last change.
 */
export function restMsFor(settleMs: number): number {
  return Math.max(10 * 60_000, 30 * settleMs);
}

export type Verdict =
  /** Changed since it was read (or never read to the end): read it again. */
  | 'read-again'
  /** Unchanged and at rest, but a last line without a line end was held back: read it, now as complete. */
  | 'read-last-line'
  /** Unchanged for `restMs`, nothing held back: done with. */
  | 'at-rest'
  /** Unchanged, but not for long enough: look again next run. */
  | 'wait';

/** What to do with a taken file, from what its last read saw and what it looks like now. */
export function judge(
  look: FileLook | undefined,
  now: { readonly size: number; readonly mtimeMs: number },
  nowMs: number,
  restMs: number,
): Verdict {
  if (!look || look.size !== now.size || look.mtimeMs !== now.mtimeMs) return 'read-again';
  if (nowMs - now.mtimeMs < restMs) return 'wait';
  return look.tailHeld ? 'read-last-line' : 'at-rest';
}

/**
 * Whether a read may take the file as complete (its last line a row even without a line end): only when an
 * earlier read saw it exactly as it is, and it has not changed for `restMs` since.
 */
export function readsAsComplete(
  look: FileLook | undefined,
  now: Stats | undefined,
  nowMs: number,
  restMs: number,
): boolean {
  return now !== undefined && judge(look, now, nowMs, restMs) === 'read-last-line';
}

/**
 * At the start of a run: looks at every taken file not yet at rest and reopens those to be read again, so the
 * run reads their new rows. Held files (taken from an inbox on another volume than the archive) are copied into
 * the archive once at rest.
 */
export async function lookAgainAtTakenFiles(
  ledger: Ledger,
  archiveDir: string,
  restMs: number,
  logger: Logger,
  now = new Date(),
): Promise<void> {
  for (const file of ledger.unsettledFiles()) {
    const info = await stat(file.path).catch(() => undefined);
    // Gone (retention, or removed by hand): there is nothing more to read.
    if (!info) {
      ledger.settleFile(file.id);
      continue;
    }
    const verdict = judge(file.look, info, now.getTime(), restMs);
    if (verdict === 'read-again') {
      logger.info(
        { file: file.name, owner: ownerLogField(file.owner) },
        `${file.name} changed after it was taken (it was still being written): reading its new rows.`,
      );
      ledger.reopenFile(file.id, file.look !== undefined);
    } else if (verdict === 'read-last-line') {
      logger.info(
        { file: file.name, owner: ownerLogField(file.owner) },
        `${file.name} has been unchanged for a while: reading its last line, which has no line end.`,
      );
      ledger.reopenFile(file.id, false);
    } else if (verdict === 'at-rest') {
      if (isHeldPath(file.path)) {
        try {
          if (!(await archiveHeldFile(ledger, archiveDir, file, now))) continue;
        } catch (error) {
          // A full or unwritable archive: the file stays held, its rows are in the ledger; the next run tries again.
          logger.warn(
            { file: file.name, code: (error as NodeJS.ErrnoException).code },
            `${file.name} could not be copied into the archive yet; the next run tries again.`,
          );
          continue;
        }
      }
      ledger.settleFile(file.id);
    }
  }
}

/** What the file's report says about a file that was still being written, if anything. */
export function growthNotice(
  file: {
    readonly grew?: boolean | undefined;
    readonly look: FileLook | undefined;
    readonly unreadable: boolean;
  },
  nowMs: number,
  restMs: number,
): string | undefined {
  const { look } = file;
  const notes: string[] = [];
  if (file.grew) {
    notes.push(
      'Filen ble endret etter at den ble hentet fra innboksen (den ble fortsatt skrevet). ' +
        'Radene som kom til, er lest og sendt i rekkefølge.',
    );
  }
  if (look?.tailHeld) {
    notes.push(
      'Siste linje i filen er ikke avsluttet med linjeskift, så filen ble kanskje fortsatt skrevet. ' +
        'Den linjen leses ved en senere kjøring, når filen har vært uendret en stund.',
    );
  } else if (file.unreadable && look && nowMs - look.mtimeMs < restMs) {
    notes.push(
      'Filen var nettopp endret og ble kanskje fortsatt skrevet. Den leses på nytt hvis den endres.',
    );
  }
  return notes.length > 0 ? notes.join(' ') : undefined;
}
