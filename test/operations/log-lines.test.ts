import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskId } from '../../src/domain/mask.ts';
import { OTHER_OWNER_ORGNR } from '../../src/simulator/register.ts';
import { useHarness } from '../support/harness.ts';
import { dropFleet, planSingles } from '../support/installation.ts';
import { logLines, runFinished, WARN } from '../support/log-lines.ts';
import { fnr } from '../support/synthetic.ts';

const PERSON = fnr({ day: 12, month: 3, year: 1971, individ: 45 });
const HEADER = 'Kjennemerke;Handling;Fødselsnummer;Etternavn';

// What an operations person sees in the log aggregation: each failure a warn or error line that names the file
// or the fleet owner and says why, and a last line that sums up what needs attention.
describe('log lines say what went wrong', () => {
  const harness = useHarness();

  it('warns of a file that could not be read, naming it and the reason, with numbers in the name masked', async () => {
    writeFileSync(join(harness.inbox, 't01.csv'), '');
    writeFileSync(join(harness.inbox, `flate ${PERSON}.csv`), 'Kjennemerke;Noe annet\r\nCU10001;x\r\n');
    const result = await harness.run();
    expect(result.exitCode).toBe(1);

    const lines = logLines(harness.logs());
    const t01 = lines.find((line) => line.file === 't01.csv');
    expect(t01?.level).toBeGreaterThanOrEqual(WARN);
    expect(t01?.msg).toContain('t01.csv');
    expect(t01?.msg).toMatch(/tom|empty/i);
    const masked = `flate ${maskId(PERSON)}.csv`;
    const other = lines.find((line) => line.file === masked);
    expect(other?.level).toBeGreaterThanOrEqual(WARN);
    expect(other?.msg).toContain(masked);
    expect(other?.msg).toMatch(/Handling/);
    expect(harness.logs()).not.toContain(PERSON);

    const finished = runFinished(harness.logs());
    expect(finished?.level).toBeGreaterThanOrEqual(WARN);
    expect(finished?.msg).toMatch(/2 file\(s\) could not be read/);
  });

  it('warns of rows given up after LEASINGTAKER_MAX_RUNS, naming the file and the reason', async () => {
    dropFleet(harness.inbox, 'nede.csv', planSingles(3, 52_000));
    harness.local.sim.faults.down = true;
    const result = await harness.run({ LEASINGTAKER_MAX_RUNS: '1', LEASINGTAKER_MAX_ATTEMPTS: '1' });
    expect(result.exitCode).toBe(1);

    const line = logLines(harness.logs()).find((entry) => entry.file === 'nede.csv' && entry.level >= WARN);
    expect(line?.msg).toMatch(/nede\.csv: 3 row\(s\) given up after 1 run/);
    expect(line?.msg).toContain('HTTP 503');
    expect(line?.givenUp).toBe(3);
    expect(runFinished(harness.logs())?.msg).toMatch(/3 row\(s\) given up/);
  });

  it("warns of a fleet owner whose access Maskinporten refused, naming the owner and Maskinporten's reason", async () => {
    const folder = join(harness.inbox, OTHER_OWNER_ORGNR);
    mkdirSync(folder);
    writeFileSync(join(folder, 'uten.csv'), `${HEADER}\r\nEI10001;OPPRETTE;${PERSON};Firkant\r\n`);
    const result = await harness.run();
    expect(result.exitCode).toBe(2);

    const refused = logLines(harness.logs()).find(
      (line) => line.owner === OTHER_OWNER_ORGNR && line.level >= WARN && /Maskinporten/.test(line.msg),
    );
    expect(refused?.msg).toContain(OTHER_OWNER_ORGNR);
    expect(refused?.msg).toMatch(/delegat|consumer_org|refused|avvist/i);
    const finished = runFinished(harness.logs());
    expect(finished?.msg).toContain(`access refused for ${OTHER_OWNER_ORGNR}`);
    expect(finished?.msg).not.toMatch(/nothing to do/);
  });

  it('tells an unreachable Maskinporten from a refusal', async () => {
    const { freePort } = await import('../support/prometheus.ts');
    writeFileSync(join(harness.inbox, 'venter.csv'), `${HEADER}\r\nCU10001;OPPRETTE;${PERSON};Firkant\r\n`);
    const issuer = `http://127.0.0.1:${await freePort()}/`;
    const result = await harness.run({ MASKINPORTEN_ISSUER: issuer });
    expect(result.exitCode).toBe(2);
    const error = logLines(harness.logs()).find((line) => line.level >= WARN);
    expect(error?.msg).toMatch(/^No Maskinporten token for the installation's own organisation: /);
    const finished = runFinished(harness.logs());
    expect(finished?.msg).toMatch(/needs attention: configuration: /);
    expect(finished?.msg).not.toMatch(/refused/);
    expect(finished?.msg).toMatch(/1 file\(s\) wait in the inbox/);
  });

  it('never says "nothing to do" while a file waits and the key fails', async () => {
    writeFileSync(join(harness.inbox, 'venter.csv'), `${HEADER}\r\nCU10001;OPPRETTE;${PERSON};Firkant\r\n`);
    chmodSync(harness.local.env.MASKINPORTEN_KEY_FILE ?? '', 0o644);
    const result = await harness.run();
    expect(result.exitCode).toBe(2);

    const finished = runFinished(harness.logs());
    expect(finished?.msg).not.toMatch(/nothing to do/i);
    expect(finished?.level).toBeGreaterThanOrEqual(WARN);
    expect(finished?.msg).toMatch(/configuration/i);
    expect(finished?.msg).toMatch(/1 file\(s\) wait in the inbox/);
    expect(finished?.exitCode).toBe(2);
  });
});

describe('the log masks what looks like a fødselsnummer wherever it is', () => {
  it('in the message, in fields, in arrays and in errors', async () => {
    const { PassThrough } = await import('node:stream');
    const { createLogger } = await import('../../src/log.ts');
    let text = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const logger = await createLogger({ destination: sink });
    logger.warn({ file: `a ${PERSON}.csv`, reports: [`/r/${PERSON}.xlsx`] }, `about ${PERSON}`);
    logger.error({ err: new Error(`header ${PERSON} unknown`) }, 'failed');
    logger.child({ trigger: 'inbox' }).info(`child ${PERSON}`);
    expect(text).not.toContain(PERSON);
    const lines = logLines(text);
    expect(lines[0]).toMatchObject({ file: `a ${maskId(PERSON)}.csv`, msg: `about ${maskId(PERSON)}` });
    expect(lines[1]?.err).toMatchObject({ type: 'Error', message: `header ${maskId(PERSON)} unknown` });
    expect(lines[2]?.msg).toBe(`child ${maskId(PERSON)}`);
  });
});
