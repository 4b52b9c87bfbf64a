// Runs the CLI from the sources, for tests that spawn it as a process (the installed bin runs dist/).
import { main } from '../../src/cli.ts';

await main(process.argv);
