import cliProgress from 'cli-progress';
import type { Logger } from '../log.ts';
import type { RunHooks } from './run.ts';

const LOG_EVERY_MS = 5_000;

/**
 * Progress for whoever watches: a bar with rows done/total, rate and ETA on a terminal; a log line every few
 * seconds otherwise (cron, containers). The total grows while the file is read, since rows are streamed.
 */
export function createProgress(logger: Logger, terminal: boolean): { hooks: RunHooks; stop(): void } {
  let file = '';
  let queued = 0;
  let done = 0;
  let startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const bar = terminal
    ? new cliProgress.SingleBar(
        {
          format: ' {file} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const rate = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  const stopFile = () => {
    bar?.stop();
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    hooks: {
      onFileStart(name) {
        stopFile();
        file = name;
        queued = 0;
        done = 0;
        startedAt = performance.now();
        if (bar) bar.start(0, 0, { file, rate: 0 });
        else {
          timer = setInterval(() => {
            logger.info(
              { file, done, queued, rowsPerSecond: rate() },
              `${file}: ${done}/${queued} rows sent`,
            );
          }, LOG_EVERY_MS);
          timer.unref();
        }
      },
      onRowsQueued(rows) {
        queued += rows;
        bar?.setTotal(queued);
      },
      onRowDone() {
        done += 1;
        bar?.update(done, { file, rate: rate() });
      },
      onFileDone() {
        stopFile();
      },
    },
    stop: stopFile,
  };
}
