import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { look, type RunTrigger, startInboxWatcher } from '../../src/schedule/inbox-watcher.ts';

// 310555568 is an organisasjonsnummer; 123456789 has nine digits, but its control digit is wrong (5 would be right).
const OWNER = '310555568';
const NOT_AN_OWNER = '123456789';

describe('what the watcher counts as waiting', () => {
  let inbox: string;
  beforeEach(() => {
    inbox = mkdtempSync(join(tmpdir(), 'watch-look-'));
  });
  afterEach(() => rmSync(inbox, { recursive: true, force: true }));

  it.each([
    ['a file in the inbox', '', true],
    ["a file in an owner's folder", OWNER, true],
    ['a file in a folder of nine digits that fail mod-11', NOT_AN_OWNER, false],
    ['a file in a folder of eight digits', '31055556', false],
    ['a file in a folder of other words', 'gamle filer', false],
  ])('%s: %s', (_what, folder, waits) => {
    mkdirSync(join(inbox, folder), { recursive: true });
    writeFileSync(join(inbox, folder, 'mars.csv'), 'Kjennemerke\n');
    return look(inbox).then((seen) => expect(seen !== '').toBe(waits));
  });
});

describe('the inbox watcher', () => {
  let inbox: string;
  beforeEach(() => {
    inbox = mkdtempSync(join(tmpdir(), 'watch-'));
  });
  afterEach(() => rmSync(inbox, { recursive: true, force: true }));

  it('starts no run for a file in a folder the run does not take (nine digits that fail mod-11): it would only spend a retry run', async () => {
    mkdirSync(join(inbox, NOT_AN_OWNER));
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (chunk: Buffer) => {
      logged += chunk.toString('utf8');
    });
    const logger = await createLogger({ level: 'debug', destination: sink });
    const runs: RunTrigger[] = [];
    const watcher = startInboxWatcher({
      inbox,
      debounceMs: 20,
      pollMs: 60_000,
      intervalMs: 3_600_000,
      logger,
      run: async (trigger) => {
        runs.push(trigger);
      },
    });
    try {
      while (runs.length === 0) await sleep(10);
      writeFileSync(join(inbox, NOT_AN_OWNER, 'mars.csv'), 'Kjennemerke\n');
      // Either the arrival starts a run, or the watcher looks and finds nothing the run would take.
      while (runs.length === 1 && !logged.includes('no file is waiting')) await sleep(10);
      expect(runs).toEqual(['start']);
    } finally {
      await watcher.stop();
    }
  });
});
