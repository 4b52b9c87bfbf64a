import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunConfig } from '../config.ts';
import { print, printError } from '../console.ts';
import { fleetFileFormat } from '../input/file-format.ts';
import { runWithConfig } from '../job/run-with-config.ts';
import { createLogger } from '../log.ts';
import { startLocalSimulator } from './local-simulator.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
/** Marks a folder as the demo's own, so that a second demo may clear it without touching anything else. */
const MARKER = '.leasingtaker-demo';
/** Dropped a second time to show that rows already done are skipped, not sent again. */
const REDROP = 'flate-semikolon-windows1252.csv';

/**
 * `leasingtaker demo`: the whole job with no credentials. The embedded simulator plays Maskinporten and the
 * API; the bundled sample files go through a run, then one of them is dropped again to show skipping.
 */
export async function demoCommand(options: { dir: string }): Promise<number> {
  const dir = resolve(options.dir);
  if (existsSync(dir)) {
    if (!existsSync(join(dir, MARKER))) {
      printError(`${dir} exists and was not made by the demo; choose another folder with --dir.\n`);
      return 2;
    }
    await rm(dir, { recursive: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'Made by `leasingtaker demo`; the next demo clears this folder.\n');

  const local = await startLocalSimulator(join(dir, 'simulator'));
  try {
    const loaded = loadRunConfig(local.env, {
      inbox: join(dir, 'inbox'),
      reports: join(dir, 'reports'),
      state: join(dir, 'state'),
      archive: join(dir, 'archive'),
      settleMs: 0,
    });
    if (!loaded.ok) throw new Error(`Demo configuration is broken: ${loaded.problems.join(' ')}`);
    const { config } = loaded;
    const logger = await createLogger({ level: 'info', pretty: process.stdout.isTTY === true });
    const say = (text: string) => print(`\n${text}\n\n`);

    // The fixtures folder is laid out like an inbox: files for our own organisation, and a folder named by a
    // fleet owner's organisasjonsnummer for files sent on its behalf.
    await cp(FIXTURES, config.inbox, {
      recursive: true,
      filter: (source) => !source.endsWith('.ts') && !source.endsWith('.md'),
    });
    const samples = (await readdir(config.inbox, { recursive: true })).filter(
      (name) => fleetFileFormat(name) !== undefined,
    );
    say(
      `Demo: ${samples.length} sample fleet files in ${relative(process.cwd(), config.inbox)}, sent to the ` +
        `simulator at ${local.sim.apiUrl} (synthetic data only).`,
    );
    const first = await runWithConfig(config, logger);

    say(`Demo: dropping ${REDROP} again. Rows that already went through are skipped, not sent twice.`);
    await copyFile(join(FIXTURES, REDROP), join(config.inbox, REDROP));
    const second = await runWithConfig(config, logger);

    const reports = [...first.files, ...second.files].map((file) =>
      relative(process.cwd(), file.reports.xlsx),
    );
    say(
      `Demo finished. Result spreadsheets (open them in Excel or LibreOffice):\n${reports.map((path) => `  ${path}`).join('\n')}\n` +
        `Retry files for stopped and failed rows are beside them (*.igjen.*).`,
    );
    return Math.max(first.exitCode, second.exitCode);
  } finally {
    await local.sim.close();
  }
}
