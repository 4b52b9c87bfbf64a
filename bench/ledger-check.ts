// Measures what guarding the ledger costs on a large one: the checks a run could make at start (quick_check,
// integrity_check, the cheap header-and-schema look) and the backup after a run (VACUUM INTO), on a ledger of
// LEDGER_ROWS rows (default 1,000,000) shaped like real ones (request, input cells and answer as JSON).
// `node bench/ledger-check.ts`; prints one line per measurement. Not part of npm test.

import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { restoreBackup, writeBackup } from '../src/ledger/backup.ts';
import { inspectMemory } from '../src/ledger/inspect.ts';
import { Ledger } from '../src/ledger/ledger.ts';

const rows = Number(process.env.LEDGER_ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'ledger-check-'));
const file = join(dir, 'ledger.sqlite');
Ledger.open(dir).close();

const db = new DatabaseSync(file);
db.exec('PRAGMA journal_mode = WAL');
let started = performance.now();
const perFile = 5000;
const insertFile =
  db.prepare(`INSERT INTO files (owner, name, path, format, sha256, size, status, received_at)
  VALUES ('', ?, ?, 'csv', ?, 1000, 'done', '2026-01-01T00:00:00.000Z')`);
const insertRow =
  db.prepare(`INSERT INTO rows (file_id, row_number, plate, handling, identity_hash, request, cells,
  status, attempts, runs, http_status, answer, updated_at) VALUES (?, ?, ?, 'OPPRETTE', ?, ?, ?, 'ok', 1, 1, 200, ?, ?)`);
db.exec('BEGIN');
let fileId = 0;
for (let i = 0; i < rows; i++) {
  if (i % perFile === 0) {
    fileId = Number(
      insertFile.run(`flate-${i}.csv`, `/data/archive/2026-01-01/flate-${i}.csv`, 'f'.repeat(64))
        .lastInsertRowid,
    );
  }
  const plate = `CU${10000 + (i % 90000)}`;
  const fnr = String(10_000_000_000 + i);
  const request = JSON.stringify({
    kjennemerke: plate,
    handling: 'OPPRETTE',
    leasingtakerId: { fodselsnummer: fnr },
    etternavn: 'Testesen',
  });
  const cells = JSON.stringify([plate, 'OPPRETTE', fnr, 'Testesen', 'rad']);
  const answer = JSON.stringify({
    kuid: `K${i}`,
    understellsnummer: `YV1ZW25UDF${String(i).padStart(7, '0')}`,
    merke: 'VOLVO',
    handelsbetegnelse: 'XC40',
    leasingtaker: 'Testesen',
  });
  insertRow.run(
    fileId,
    (i % perFile) + 2,
    plate,
    `h${i}`.padEnd(22, 'x'),
    request,
    cells,
    answer,
    '2026-01-01T00:00:00.000Z',
  );
  if (i % 100_000 === 99_999) {
    db.exec('COMMIT');
    db.exec('BEGIN');
  }
}
db.exec('COMMIT');
db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
db.close();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log(
  `built ${rows} rows in ${Math.round(performance.now() - started)} ms, ${mb(statSync(file).size)}`,
);

const time = (label: string, work: (db: DatabaseSync) => unknown) => {
  const times: number[] = [];
  let result: unknown;
  for (let n = 0; n < 3; n++) {
    const conn = new DatabaseSync(file);
    started = performance.now();
    result = work(conn);
    times.push(performance.now() - started);
    conn.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: median ${Math.round(times[1] as number)} ms (${times.map(Math.round).join(', ')}) -> ${JSON.stringify(result)}`,
  );
};

time(
  'open + header/schema look (sqlite_master, meta)',
  (conn) =>
    conn.prepare('SELECT count(*) AS n FROM sqlite_master').get() &&
    conn.prepare('SELECT count(*) AS n FROM meta').get(),
);
time('PRAGMA quick_check', (conn) => conn.prepare('PRAGMA quick_check').all());
time('PRAGMA integrity_check', (conn) => conn.prepare('PRAGMA integrity_check').all());
time('VACUUM INTO', (conn) => {
  const target = join(dir, `backup-${Math.random()}.sqlite`);
  conn.exec(`VACUUM INTO '${target}'`);
  const size = statSync(target).size;
  rmSync(target);
  return mb(size);
});

// What the job does, end to end: the run's look at start, doctor's look, a backup after a run, a restore.
const archive = join(dir, 'archive');
mkdirSync(archive);
const once = (label: string, work: () => unknown) => {
  started = performance.now();
  const result = work();
  console.log(`${label}: ${Math.round(performance.now() - started)} ms -> ${JSON.stringify(result)}`);
};
once('inspectMemory (run start, quick_check)', () => inspectMemory(dir, archive).ledger);
once(
  'inspectMemory (doctor, integrity_check, read-only)',
  () => inspectMemory(dir, archive, 'integrity_check', true).ledger,
);
const conn = new DatabaseSync(file);
once('writeBackup (VACUUM INTO, check, copy, fsync)', () => {
  writeBackup(conn, dir, archive);
  return mb(statSync(join(archive, '.ledger-backup.sqlite')).size);
});
conn.close();
once('restoreBackup (copy, check, fsync, rename)', () => restoreBackup(dir, archive, false) !== undefined);
rmSync(dir, { recursive: true, force: true });
