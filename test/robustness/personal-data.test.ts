// Issue 13.9: personal data that reaches logs and the console by side roads: a fødselsnummer in a file or folder
// name, a name or a spaced-out number in the API's merknad text, a data row read as the header row.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.ts';
import { createLogger, setLineSink } from '../../src/log.ts';
import {
  createInstallation,
  dropFleet,
  filesUnder,
  findSecrets,
  type Installation,
  planSingles,
  syntheticPersons,
} from '../support/installation.ts';
import { spawnCli } from '../support/spawn-cli.ts';

describe('no personal data on side roads', () => {
  let install: Installation | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await install?.close();
    install = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('masks a fødselsnummer in file and folder names in every log line and console message', async () => {
    install = await createInstallation();
    const [inName, inFolder, spaced] = syntheticPersons(3, 3000) as [string, string, string];
    const named = `kunde ${inName}.csv`;
    dropFleet(install.inbox, named, planSingles(30, 93_000));
    // Not an organisasjonsnummer: left alone, and logged as such.
    mkdirSync(join(install.inbox, inFolder));
    dropFleet(join(install.inbox, inFolder), 'flate.csv', planSingles(5, 93_100));
    // A file that can't be read: its error names it.
    writeFileSync(join(install.inbox, `gammel ${spaced}.xls`), 'not a workbook');

    const outputs: string[] = [];
    const run = await install.run({ LOG_LEVEL: 'debug' });
    outputs.push(run.stdout, run.stderr);
    expect(run.stdout).toContain('Run finished');

    const archived = filesUnder(install.archive);
    expect(archived.some((path) => path.includes(inName))).toBe(true); // the file keeps its name on disk
    const validate = await spawnCli(['validate', ...archived], {}, { cwd: install.dir });
    outputs.push(validate.stdout, validate.stderr);
    const validateJson = await spawnCli(['validate', '--json', ...archived], {}, { cwd: install.dir });
    outputs.push(validateJson.stdout, validateJson.stderr);
    const history = await spawnCli(['history', 'CU93001'], install.env(), { cwd: install.dir });
    expect(history.code, history.stderr).toBe(0);
    outputs.push(history.stdout, history.stderr);
    const historyJson = await spawnCli(['history', '--json', 'CU93001'], install.env(), { cwd: install.dir });
    outputs.push(historyJson.stdout, historyJson.stderr);
    const doctor = await spawnCli(['doctor'], install.env(), { cwd: install.dir });
    outputs.push(doctor.stdout, doctor.stderr);

    const everything = outputs.join('\n');
    expect(everything).toMatch(/kunde \d{6}\*{5}/);
    expect(findSecrets(everything, { fnrs: [inName, inFolder, spaced], tokens: [] })).toEqual([]);
  }, 60_000);

  it('masks names in pretty log lines too (the terminal path)', async () => {
    const [fnr] = syntheticPersons(1, 3100) as [string];
    const lines: string[] = [];
    setLineSink((text) => lines.push(text));
    try {
      const logger = await createLogger({ pretty: true, level: 'info' });
      logger.info({ file: `kunde ${fnr}.csv` }, `kunde ${fnr}.csv: 3 rows`);
      logger.flush();
    } finally {
      setLineSink(undefined);
    }
    const text = lines.join('');
    expect(text).toMatch(/kunde \d{6}\*{5}/);
    expect(text).not.toContain(fnr);
  });

  it('masks them in JSON lines written to a given stream', async () => {
    const [fnr] = syntheticPersons(1, 3200) as [string];
    let text = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const logger = await createLogger({ destination: sink });
    logger.error({ err: new Error(`ENOENT: no such file, open '/inbox/${fnr}/x.csv'`) }, 'failed');
    expect(text).toContain('/inbox/');
    expect(text).not.toContain(fnr);
  });

  it('history shows no name and no number from a merknad text, and retention blanks the texts', async () => {
    install = await createInstallation();
    const [lessee] = syntheticPersons(1, 3300) as [string];
    const spacedA = `${lessee.slice(0, 2)} ${lessee.slice(2, 4)} ${lessee.slice(4, 6)} ${lessee.slice(6, 8)} ${lessee.slice(8)}`;
    const spacedB = `${lessee.slice(0, 6)} ${lessee.slice(6)}`;
    const text = `Leasingtaker Kari Nordmann (${spacedA}, ${spacedB}) har annet etternavn enn oppgitt.`;
    // The API's text as a real service might word it, from a server of our own (the simulator's texts are fixed).
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        // The unknown plate: refused with an explanation that names the lessee.
        if (body.includes('"XX')) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ feilkode: 'UGYLDIG_FORESPORSEL', melding: text }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ merknader: [{ kode: 'LEASINGTAKER_NAVN_STEMMER_IKKE', beskrivelse: text }] }),
        );
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dropFleet(install.inbox, 'mars.csv', planSingles(2, 93_200));

    const run = await install.run({ LEASINGTAKER_API_URL: apiUrl });
    expect(run.code, run.stdout).toBe(1); // the refused row failed
    const shows = async () => {
      let all = '';
      for (const plate of ['CU93201', 'XX93200']) {
        const plain = await spawnCli(['history', plate], install?.env(), { cwd: install?.dir });
        const json = await spawnCli(['history', '--json', plate], install?.env(), { cwd: install?.dir });
        expect(plain.code, plain.stderr).toBe(0);
        all += `${plain.stdout}\n${plain.stderr}\n${json.stdout}\n${json.stderr}\n`;
      }
      return all;
    };
    const before = await shows();
    expect(before).toContain('HTTP 400: UGYLDIG_FORESPORSEL');
    expect(before).toContain('LEASINGTAKER_NAVN_STEMMER_IKKE');
    for (const leak of ['Kari', 'Nordmann', spacedA, spacedB, lessee.slice(6), lessee.slice(0, 6)]) {
      expect(before).not.toContain(leak);
    }

    // Retention blanks the texts in the ledger; the codes stay, so history still says why.
    const ledger = Ledger.open(install.state);
    try {
      expect(ledger.purgeBefore(new Date(Date.now() + 60_000).toISOString())).toBe(1);
    } finally {
      ledger.close();
    }
    const db = new DatabaseSync(join(install.state, 'ledger.sqlite'), { readOnly: true });
    let stored: string[];
    try {
      stored = (
        db.prepare('SELECT merknader FROM rows WHERE merknader IS NOT NULL').all() as { merknader: string }[]
      ).map((row) => row.merknader);
    } finally {
      db.close();
    }
    expect(stored).toHaveLength(1);
    for (const merknader of stored) {
      expect(merknader).toContain('LEASINGTAKER_NAVN_STEMMER_IKKE');
      expect(merknader).not.toContain('Nordmann');
      expect(merknader).not.toMatch(/\d{2}/);
    }
    expect(await shows()).toContain('LEASINGTAKER_NAVN_STEMMER_IKKE');
  }, 60_000);

  it('validate of a file without a header row says so without echoing the row', async () => {
    install = await createInstallation();
    const [fnr] = syntheticPersons(1, 3400) as [string];
    const path = join(install.dir, 'ingen-topp.csv');
    writeFileSync(path, `CU93301;OPPRETTE;${fnr};Bråtenhagen\r\nCU93302;OPPRETTE;${fnr};Bråtenhagen\r\n`);
    const plain = await spawnCli(['validate', path], {}, { cwd: install.dir });
    const json = await spawnCli(['validate', '--json', path], {}, { cwd: install.dir });
    expect(plain.code).toBe(1);
    const everything = [plain.stdout, plain.stderr, json.stdout, json.stderr].join('\n');
    expect(everything).toMatch(/overskrift/i);
    for (const leak of ['Bråtenhagen', fnr, fnr.slice(0, 6), 'CU93301'])
      expect(everything).not.toContain(leak);

    // The run's report and log line say the same.
    writeFileSync(join(install.inbox, 'ingen-topp.csv'), `CU93301;OPPRETTE;${fnr};Bråtenhagen\r\n`);
    const run = await install.run();
    expect(run.stdout + run.stderr).not.toContain('Bråtenhagen');
  }, 60_000);
});

describe('the log mask', () => {
  it('keeps every line valid JSON, numbers of that shape included', async () => {
    const [fnr] = syntheticPersons(1, 3509) as [string]; // day 10: no leading zero to lose as a number
    let text = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const logger = await createLogger({ destination: sink });
    logger.info({ file: `a:${fnr},b.csv`, size: Number(fnr), rate: Number(`${fnr}.5`), n: 12 }, `x:${fnr}`);
    logger.info({ [`kunde ${fnr}.csv`]: 1 }, 'a key');
    logger.info({ size: 123456789012, rate: 123456.12345 }, 'nothing to mask');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(text).not.toContain(fnr);
    expect(parsed[0]).toMatchObject({
      file: `a:${fnr.slice(0, 6)}*****,b.csv`,
      n: 12,
      msg: `x:${fnr.slice(0, 6)}*****`,
    });
    expect(parsed[0]?.size).toBe(`${fnr.slice(0, 6)}*****`);
    expect(parsed[2]).toMatchObject({ size: 123456789012, rate: 123456.12345 });
  });
});
