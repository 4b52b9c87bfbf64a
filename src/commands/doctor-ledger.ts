import { join } from 'node:path';
import { backupPlaces, backupTime, LEDGER_FILE } from '../ledger/backup.ts';
import { inspectMemory } from '../ledger/inspect.ts';
import { decideMemory, explainRefusal } from '../ledger/memory.ts';

import type { Check } from './doctor-check.ts';

/**
 * `doctor`'s look at the job's memory: the ledger's full `integrity_check` (every page and every index; about
 * 1.7 s for a million rows, which a run's start spares itself with `quick_check`), whether a run would trust it,
 * and the backup beside the archive. Reads only: a run may be going on.
 */
export function checkLedger(state: string, archive: string): Check[] {
  const file = join(state, LEDGER_FILE);
  let found: ReturnType<typeof inspectMemory>;
  try {
    found = inspectMemory(state, archive, 'integrity_check', true);
  } catch (error) {
    // Locked by another program, or not to be opened by this user: not damage, but a run could not use it either.
    return [{ verdict: 'fail', text: `Ledger ${file}: cannot be read (${(error as Error).message}).` }];
  }
  const decision = decideMemory(found);
  const time = backupTime(archive)?.toISOString();
  const lines: Check[] = [];
  if (decision.kind === 'refuse') {
    lines.push({
      verdict: 'fail',
      text: `Ledger ${file}: ${explainRefusal(decision, { state, archive, ...(time ? { backupTime: time } : {}) })}`,
    });
  } else if (decision.kind === 'restore') {
    lines.push({
      verdict: 'fail',
      text: `Ledger ${file}: ${decision.problem}; the next run restores it from the backup of ${time}, which holds everything it held.`,
    });
  } else if (found.ledger === 'absent') {
    lines.push({ verdict: 'pass', text: `Ledger ${file}: none yet; the first run creates it.` });
  } else {
    lines.push({
      verdict: 'pass',
      text: `Ledger ${file}: integrity check ok; ${found.files} file(s), ${found.rows} row(s).`,
    });
  }
  const { backup } = backupPlaces(archive);
  if (found.backup === 'current')
    lines.push({ verdict: 'pass', text: `Ledger backup ${backup}: of ${time}.` });
  else if (found.backup === 'behind') {
    lines.push({
      verdict: 'note',
      text: `Ledger backup ${backup}: of ${time}, older than the ledger: a run is going on, or the last one did not finish writing it (see its log).`,
    });
  } else if (found.ledger !== 'absent')
    lines.push({ verdict: 'note', text: `Ledger backup ${backup}: none yet; the next run writes it.` });
  return lines;
}
