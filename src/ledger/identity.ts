// The keyed hash of a lessee. Rows keep it after retention has blanked the personal fields, so that "the same
// change succeeded before" and "a newer file repeats this change" are still recognised. The key (salt) is made
// once per ledger and kept in its meta table: the hashes mean nothing outside this ledger.

import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { LeasingtakerId } from '../domain/types.ts';
import { text } from './row-shape.ts';

/** The ledger's salt, made on first use. */
export function ledgerSalt(db: DatabaseSync): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'salt'").get();
  if (row) return text(row, 'value');
  const salt = randomBytes(16).toString('hex');
  db.prepare("INSERT INTO meta (key, value) VALUES ('salt', ?)").run(salt);
  return salt;
}

/** The lessee's hash under `salt`: 22 characters of base64url (132 bits of SHA-256). */
export function identityHash(salt: string, id: LeasingtakerId): string {
  const key = 'fodselsnummer' in id ? `F${id.fodselsnummer}` : `O${id.organisasjonsnummer}`;
  return createHash('sha256').update(salt).update(key).digest('base64url').slice(0, 22);
}
