// Start-up: `leasingtaker --help`, and a run that finds the inbox empty (what the scheduler starts most often).

import { join } from 'node:path';
import { baseEnv, CLI, checkExit, folderEnv, HEAP_FLAGS } from '../job.ts';
import { median, runNode, startSimulatorProcess } from '../measure.ts';
import type { Suite } from './suite.ts';

export const startup: Suite = {
  about: 'wall time of `leasingtaker --help` and of a run with an empty inbox',
  async run(bench) {
    process.stdout.write('\nStart-up\n');
    const help: number[] = [];
    for (let run = 0; run < bench.sizes.help; run++) {
      const measured = await runNode([...HEAP_FLAGS, CLI, '--help'], { env: baseEnv() });
      checkExit('--help', measured);
      help.push(measured.wallMs);
    }
    bench.note({
      suite: 'startup',
      name: 'leasingtaker --help: wall',
      value: median(help),
      unit: 'ms',
      target: '< 100',
      holds: median(help) < 100,
      runs: help,
    });
    const dir = bench.freshDir('empty');
    const sim = await startSimulatorProcess(0, join(dir, 'keys'));
    const empty: number[] = [];
    try {
      for (let run = 0; run < bench.sizes.empty; run++) {
        const measured = await runNode([...HEAP_FLAGS, ...bench.profileFlags('empty'), CLI, 'run'], {
          cwd: dir,
          env: { ...baseEnv(), ...sim.env, ...folderEnv(dir) },
        });
        checkExit('empty run', measured);
        empty.push(measured.wallMs);
      }
    } finally {
      await sim.stop();
    }
    bench.note({
      suite: 'startup',
      name: 'leasingtaker run, empty inbox: wall',
      value: median(empty),
      unit: 'ms',
      target: '< 500',
      holds: median(empty) < 500,
      runs: empty,
    });
  },
};
