import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { LedgerAction } from './commands/ledger.ts';
import { NORWEGIAN_TITLES, norwegianError } from './commands/norwegian-help.ts';
import { describeDefault, describeRange, plainText, SETTINGS, type SettingKey } from './settings.ts';
import { version } from './version.ts';

// Each command imports its modules when it runs: `--help` must not pay for exceljs, got and pino.

const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number');
  return parsed;
};

/** The flags the settings table gives run, watch and doctor, in the table's order. */
const RUN_FLAGS = (Object.keys(SETTINGS) as SettingKey[]).filter((key) => 'flag' in SETTINGS[key]);

/**
 * The flag of a setting, its help saying what the table says: the meaning (or the command's own words for it),
 * the variable it overrides, the range and the default. No commander default: the variable, read later, must
 * win over a default.
 */
function settingOption(key: SettingKey, description?: string): Option {
  const setting = SETTINGS[key];
  if (!('flag' in setting)) throw new Error(`The setting ${key} has no flag.`);
  const range = describeRange(setting);
  const about = [setting.env, ...(range ? [range] : []), `default ${plainText(describeDefault(setting))}`];
  const option = new Option(
    setting.flag,
    `${description ?? plainText(setting.meaning)} (${about.join(', ')})`,
  );
  return setting.kind === 'integer' ? option.argParser(positiveInteger) : option;
}

const envFileOption = (): Option =>
  new Option('--env-file <file>', 'read settings from this file (default: .env if present)');

/** The settings flags shared by `run`, `watch` and `doctor`, which read the same configuration. */
function withRunOptions(command: Command): Command {
  for (const key of RUN_FLAGS) command.addOption(settingOption(key));
  return command.addOption(envFileOption());
}

/** What `watch --help` says about its own settings, with the table's names and defaults. */
function watchHelp(): string {
  const { debounceMs, pollSeconds, retryIntervalMinutes, graceSeconds } = SETTINGS;
  return (
    `\nRuns once at start, then after ${debounceMs.env} (${debounceMs.default}) of quiet when files arrive (looking\n` +
    `every ${pollSeconds.env} (${pollSeconds.default}) too, for shares that raise no events), and\n` +
    `${retryIntervalMinutes.env} (${retryIntervalMinutes.default}) after the last run. SIGTERM: no new run; the run in progress\n` +
    `finishes its requests in flight and its reports, then the process exits, within ${graceSeconds.env} (${graceSeconds.default}).`
  );
}

export function buildProgram(): Command {
  const program = new Command('leasingtaker')
    .description(
      "Registers and ends lessees (leasingtakere) of a vehicle fleet in Statens vegvesen's register through the\n" +
        'Leasingtaker-API, from the CSV and Excel files staff keep, and writes a result spreadsheet per file.',
    )
    .version(version, '-v, --version')
    // commander would exit itself, with 1 for a bad command line; `main` makes that 2 (README "Exit codes").
    // Set before the commands are added, which inherit it.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nConfiguration comes from environment variables (and a .env file); see README.md.\n' +
        'Exit codes: 0 every row reached an outcome, 1 something needs attention, 2 configuration or access error.',
    );

  program
    .command('validate')
    // For the clerk who checks a file before dropping it: in Norwegian, like what it prints (README).
    .description(
      'Sjekker flåtefiler uten å sende noe: antall rader, gyldige og ugyldige, med rad, kolonne og årsak.',
    )
    .argument('<filer...>', 'CSV- (.csv) eller Excel-filer (.xlsx, .xlsm)')
    .usage('[valg] <filer...>')
    .option(
      '--sheet <navn>',
      'arket som skal leses i Excel-filer (standard: det første synlige arket som har en overskriftsrad)',
    )
    .option('--json', 'skriv resultatet som JSON, for maskiner')
    .helpOption('-h, --help', 'vis denne hjelpen')
    .configureHelp({ styleTitle: (title) => NORWEGIAN_TITLES[title] ?? title })
    .configureOutput({ outputError: (line, write) => write(norwegianError(line)) })
    .showHelpAfterError('(skriv leasingtaker validate --help for å se hvordan)')
    .action(async (files: string[], options: { sheet?: string; json?: boolean }) => {
      const { validateCommand } = await import('./commands/validate.ts');
      process.exitCode = await validateCommand(files, options);
    });

  withRunOptions(
    program
      .command('run')
      .description(
        'Process every fleet file in the inbox, finish what an earlier run left, retry failed rows, and exit.',
      ),
  ).action(async (options: Record<string, string | number | undefined>) => {
    const { runCommand } = await import('./commands/run.ts');
    process.exitCode = await runCommand(options);
  });

  withRunOptions(
    program
      .command('watch')
      .description(
        'Stay up and run when files arrive in the inbox, and on a schedule for the retries; one run at a time.',
      ),
  )
    .addHelpText('after', watchHelp())
    .action(async (options: Record<string, string | number | undefined>) => {
      const { watchCommand } = await import('./commands/watch.ts');
      process.exitCode = await watchCommand(options);
    });

  withRunOptions(
    program
      .command('doctor')
      .description(
        'Check the installation end to end: configuration, key, Maskinporten token, API, folders, lock, disk.',
      ),
  )
    .addHelpText(
      'after',
      '\nOne line per check, with what to do about a failure. The API is probed with an empty request, which it\n' +
        'refuses with 400: no row is sent. Prints neither the key nor the token. Exit 0 when every check passes, 2 otherwise.',
    )
    .action(async (options: Record<string, string | number | undefined>) => {
      const { doctorCommand } = await import('./commands/doctor.ts');
      process.exitCode = await doctorCommand(options);
    });

  program
    .command('history')
    .description('Show what the ledger knows about a vehicle: every row, file, time, outcome and attempts.')
    .argument('<kjennemerke>', 'the plate, as staff write it (cu 10001, CU-10001 and CU10001 are the same)')
    .addOption(settingOption('state', 'folder of the ledger'))
    .option('--json', 'print the rows as JSON for machines')
    .addOption(envFileOption())
    .addHelpText(
      'after',
      '\nNeeds only the state folder, no Maskinporten settings. Never shows a fødselsnummer or a name.\n' +
        'Exit 0 when the plate is in the ledger, 1 when it is not, 2 when there is no ledger.',
    )
    .action(async (plate: string, options: { state?: string; json?: boolean; envFile?: string }) => {
      const { historyCommand } = await import('./commands/history.ts');
      process.exitCode = await historyCommand(plate, options);
    });

  program
    .command('ledger')
    .description(
      'Answer a run that refused a missing or damaged ledger: restore its backup, keep it as it is, or start afresh.',
    )
    .addArgument(new Argument('<action>', 'restore, keep or new').choices(['restore', 'keep', 'new']))
    .addOption(settingOption('state', 'folder of the ledger'))
    .addOption(settingOption('archive', 'folder of the archive and the backup'))
    .addOption(envFileOption())
    .addHelpText(
      'after',
      "\n  restore  put the backup the job keeps beside the archive in the ledger's place\n" +
        '  keep     go on with the ledger as it is (its last changes were lost with its -wal file)\n' +
        '  new      start afresh with an empty ledger: rows waiting for a retry are forgotten\n' +
        'The ledger that was there is kept aside, never deleted. Exit 0 when done, 1 while a run holds the lock,\n' +
        '2 when it cannot be done. See README.md, "The ledger: backup and restore".',
    )
    .action(async (action: LedgerAction, options: { state?: string; archive?: string; envFile?: string }) => {
      const { ledgerCommand } = await import('./commands/ledger.ts');
      process.exitCode = await ledgerCommand(action, options);
    });

  program
    .command('demo')
    .description(
      'Run the whole job on the bundled sample files against the embedded simulator: no credentials needed.',
    )
    .addOption(new Option('--dir <dir>', 'working folder for the demo').default('demo', './demo'))
    .action(async (options: { dir: string }) => {
      const { demoCommand } = await import('./commands/demo.ts');
      process.exitCode = await demoCommand(options);
    });

  program
    .command('simulator')
    .description(
      'Run the embedded simulator of Maskinporten and the Leasingtaker-API on 127.0.0.1, for tests and training.',
    )
    .addOption(
      new Option('--port <n>', 'port to listen on').argParser(positiveInteger).default(0, 'a free port'),
    )
    .addOption(
      new Option('--key-dir <dir>', 'where to write the throwaway key pair').default(
        'demo/simulator',
        './demo/simulator',
      ),
    )
    .addOption(
      new Option('--token-lifetime <seconds>', 'lifetime of issued access tokens')
        .argParser(positiveInteger)
        .default(120),
    )
    .option('--latency <ms>', 'added latency per API call', positiveInteger, 0)
    .action(async (options: { port: number; keyDir: string; tokenLifetime: number; latency: number }) => {
      const { simulatorCommand } = await import('./commands/simulator.ts');
      process.exitCode = await simulatorCommand(options);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has said what was wrong. --help and --version end here too, with 0; anything else it refuses
      // (an unknown option or command, a flag's value, a missing argument) is a configuration error.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    // The last net under the commands, which handle what they foresee: one line for a person, the stack only
    // with LOG_LEVEL=debug (read from the environment: the configuration may be what failed).
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`leasingtaker: ${message}\n`);
    if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('(LOG_LEVEL=debug shows where it happened)\n');
    process.exitCode = 1;
  }
}
