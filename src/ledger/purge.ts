// The purge: blanking the personal fields of files finished long enough ago, while the counts, plates, statuses
// and lessee hashes stay (history and "the same change succeeded before" still work). When to purge is decided
// by inbox/retention.ts; this is what a purge does to the tables.

import type { DatabaseSync } from 'node:sqlite';
import { num } from './row-shape.ts';
import type { Transactions } from './transactions.ts';

export class Purge {
  readonly #tx: Transactions;
  readonly #stmts: ReturnType<typeof prepare>;

  constructor(db: DatabaseSync, tx: Transactions) {
    this.#tx = tx;
    this.#stmts = prepare(db);
  }

  purgeBefore(cutoff: string): number {
    return this.#tx.run(() => {
      const files = this.#stmts.filesToPurge.all(cutoff).map((row) => num(row, 'id'));
      for (const id of files) {
        this.#stmts.purgeRows.run(id);
        this.#stmts.markPurged.run(id);
      }
      return files.length;
    });
  }
}

function prepare(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    filesToPurge: p(`SELECT id FROM files WHERE purged = 0 AND status IN ('done', 'unreadable')
      AND finished_at IS NOT NULL AND finished_at < ?`),
    // A merknad keeps its code (history and the reports' counts use it) and loses its text, which may name the
    // lessee or hold the number in a spelling no mask knows.
    purgeRows: p(`UPDATE rows SET request = NULL, cells = NULL, answer = NULL, error_message = NULL,
        merknader = CASE WHEN json_valid(merknader) AND json_type(merknader) = 'array' THEN (SELECT json_group_array(
          json_object('kode', coalesce(json_extract(m.value, '$.kode'), 'UKJENT'), 'beskrivelse', ''))
          FROM json_each(rows.merknader) AS m WHERE m.type = 'object') END
      WHERE file_id = ? AND status IN ('ok', 'stopped', 'invalid', 'skipped', 'failed')`),
    markPurged: p('UPDATE files SET purged = 1, layout = NULL WHERE id = ?'),
  };
}
