// Runs the CLI from the sources, for tests that spawn it as a process (the installed bin runs dist/).
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli.ts';

// Memory tests: the process's peak resident set, in kB, written on the way out (exit code and all).
const maxRssFile = process.env.LEASINGTAKER_TEST_MAXRSS_FILE;
if (maxRssFile) {
  process.on('exit', () => {
    writeFileSync(maxRssFile, String(process.resourceUsage().maxRSS));
  });
}

await main(process.argv);
