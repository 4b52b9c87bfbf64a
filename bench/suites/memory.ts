// Peak memory of validate and run per input case (exceljs and LibreOffice workbooks, a large CSV), started as
// `node bin/leasingtaker.js`, and the largest workbook by the other start paths.

import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import type { Bench } from '../context.ts';
import { fleetFile, libreOfficeFile, sofficePath } from '../generate.ts';
import { baseEnv, checkExit, runJob, START_PATHS, type StartPath, startJob } from '../job.ts';
import { type Measured, median } from '../measure.ts';
import type { Suite } from './suite.ts';

async function validatePeak(bench: Bench, file: string, tag: string, start: StartPath): Promise<Measured> {
  const dir = bench.freshDir(`validate-${tag}`);
  try {
    const measured = await startJob(start, bench.profileFlags(`validate-${tag}`), ['validate', file], {
      cwd: dir,
      env: { ...baseEnv(), TMPDIR: dir },
    });
    checkExit(`validate (${tag})`, measured);
    return measured;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface MemoryCase {
  readonly label: string;
  readonly rows: number;
  readonly limit: number;
  file(): Promise<string>;
}

function memoryCases(bench: Bench): MemoryCase[] {
  const { sizes, inputs } = bench;
  const soffice = sofficePath();
  const xlsx = (rows: number): MemoryCase => ({
    label: `${rows.toLocaleString('en')}-row xlsx (exceljs)`,
    rows,
    limit: 200,
    file: () => fleetFile(inputs, 'xlsx', rows),
  });
  const libre = (rows: number, path: string): MemoryCase => ({
    label: `${rows.toLocaleString('en')}-row xlsx (LibreOffice)`,
    rows,
    limit: 200,
    file: () => libreOfficeFile(inputs, rows, path),
  });
  const cases: MemoryCase[] = [xlsx(sizes.xlsxSmall), xlsx(sizes.xlsxLarge)];
  if (soffice) cases.push(libre(sizes.xlsxSmall, soffice), libre(sizes.xlsxLarge, soffice));
  else process.stdout.write('  (no LibreOffice (soffice) here: its workbooks are left out)\n');
  cases.push({
    label: `${sizes.csvLarge.toLocaleString('en')}-row CSV`,
    rows: sizes.csvLarge,
    limit: 150,
    file: () => fleetFile(inputs, 'csv', sizes.csvLarge),
  });
  return cases;
}

export const memory: Suite = {
  about: 'peak RSS of validate and run per input case, and by every start path',
  async run(bench) {
    const { sizes } = bench;
    process.stdout.write(
      '\nMemory: peak RSS of validate and of run (latency 0, C16), started as `node bin/leasingtaker.js`\n',
    );
    const cases = memoryCases(bench);
    const peaks: Record<string, number> = {};
    const measure = async (command: 'validate' | 'run', c: MemoryCase, start: StartPath) => {
      const file = await c.file();
      const values: number[] = [];
      const walls: number[] = [];
      for (let run = 0; run < bench.runs; run++) {
        const tag = `${command}-${basename(file)}-${start}-${run}`;
        if (command === 'validate') {
          const measured = await validatePeak(bench, file, tag, start);
          values.push(measured.peakRssMb);
          walls.push(measured.wallMs);
        } else {
          const result = await runJob(bench, file, 0, 16, `memory-${tag}`, start);
          values.push(result.peakRssMb);
          walls.push(result.wallMs);
        }
      }
      const peak = median(values);
      const via = start === 'node' ? '' : ` [${start}]`;
      bench.note({
        suite: 'memory',
        name: `${command} ${c.label}${via}: peak RSS`,
        value: peak,
        unit: 'MB',
        target: `< ${c.limit}`,
        holds: peak < c.limit,
        runs: values,
        detail: {
          command,
          input: c.label,
          start,
          wallMs: walls,
          rowsPerSecond: walls.map((ms) => c.rows / (ms / 1000)),
        },
      });
      return peak;
    };
    for (const command of ['validate', 'run'] as const) {
      for (const c of cases) peaks[`${command} ${c.label}`] = await measure(command, c, 'node');
      for (const kind of ['exceljs', 'LibreOffice']) {
        const small = peaks[`${command} ${sizes.xlsxSmall.toLocaleString('en')}-row xlsx (${kind})`];
        const large = peaks[`${command} ${sizes.xlsxLarge.toLocaleString('en')}-row xlsx (${kind})`];
        if (small === undefined || large === undefined) continue;
        bench.note({
          suite: 'memory',
          name: `${command}: peak(${sizes.xlsxLarge / 1000}k) / peak(${sizes.xlsxSmall / 1000}k), ${kind}`,
          value: large / small,
          unit: '',
          target: '< 1.3',
          holds: large / small < 1.3,
          runs: [large / small],
        });
      }
      // The largest workbook by the other start paths: the bound must not depend on how the job is started.
      const largest = cases.filter((c) => c.limit === 200).at(-1);
      if (largest) {
        for (const start of START_PATHS.filter((p) => p !== 'node')) await measure(command, largest, start);
      }
    }
  },
};
