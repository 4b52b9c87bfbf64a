// The lessee's keyed hash: stable within one ledger (across reopening), different between ledgers, and never the
// number itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fodselsnummer, Organisasjonsnummer } from '../../src/domain/types.ts';
import { identityHash, ledgerSalt } from '../../src/ledger/identity.ts';
import { Ledger } from '../../src/ledger/ledger.ts';

const person = { fodselsnummer: '63888700414' as Fodselsnummer };
const samePerson = { fodselsnummer: '63888700414' as Fodselsnummer };
const otherPerson = { fodselsnummer: '01825200068' as Fodselsnummer };
const organisation = { organisasjonsnummer: '638887004' as Organisasjonsnummer };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-identity-'));
  dirs.push(dir);
  return dir;
};

describe('identityHash', () => {
  it.each([
    ['the same person under the same salt', 's', person, 's', samePerson, true],
    ['two persons', 's', person, 's', otherPerson, false],
    ['the same person under two salts', 's', person, 't', samePerson, false],
    ['a person and an organisation whose digits overlap', 's', person, 's', organisation, false],
  ])('gives %s equal hashes: %s', (_name, saltA, a, saltB, b, equal) => {
    expect(identityHash(saltA, a) === identityHash(saltB, b)).toBe(equal);
  });

  it('is 22 characters of base64url that do not hold the number', () => {
    const hash = identityHash('salt', person);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hash).not.toContain('63888700414');
  });
});

describe('the ledger salt', () => {
  it('is made once and kept: a reopened ledger hashes a lessee as before, another ledger does not', () => {
    const dir = tempDir();
    const first = Ledger.open(dir);
    const before = first.identityHash(person);
    first.close();
    const reopened = Ledger.open(dir);
    expect(reopened.identityHash(person)).toBe(before);
    reopened.close();
    const other = Ledger.open(tempDir());
    expect(other.identityHash(person)).not.toBe(before);
    other.close();
  });

  it('reads the salt a ledger already holds instead of making a new one', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const salt = ledgerSalt(db);
    expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect(ledgerSalt(db)).toBe(salt);
    expect(db.prepare("SELECT count(*) AS n FROM meta WHERE key = 'salt'").get()).toEqual({ n: 1 });
    db.close();
  });
});
