import cliProgress from 'cli-progress';
import type { Logger } from '../log.ts';
import type { RunHooks } from './run.ts';

const LOG_EVERY_MS = 5_000;

/**
 * Progress for whoever watches: a bar with rows done/total, rate and ETA on a terminal; a log line every few
 * seconds otherwise (cron, containers). Files of several fleet owners run side by side, so the counts are the
 * run's; the total grows while files are read, since rows are streamed.
 */
export function createProgress(logger: Logger, terminal: boolean): { hooks: RunHooks; stop(): void } {
  const files = new Set<string>();
  let queued = 0;
  let done = 0;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const bar = terminal
    ? new cliProgress.SingleBar(
        {
          format: ' {files} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const rate = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  const label = () => [...files].join(', ') || 'ferdig';
  const start = () => {
    if (startedAt !== 0) return;
    startedAt = performance.now();
    if (bar) bar.start(0, 0, { files: label(), rate: 0 });
    else {
      timer = setInterval(() => {
        logger.info(
          { files: [...files], done, queued, rowsPerSecond: rate() },
          `${done}/${queued} rows sent`,
        );
      }, LOG_EVERY_MS);
      timer.unref();
    }
  };
  return {
    hooks: {
      onFileStart(name) {
        start();
        files.add(name);
        bar?.update({ files: label() });
      },
      onRowsQueued(rows) {
        queued += rows;
        bar?.setTotal(queued);
      },
      onRowDone() {
        done += 1;
        bar?.update(done, { files: label(), rate: rate() });
      },
      onFileDone(result) {
        files.delete(result.name);
        bar?.update({ files: label() });
      },
    },
    stop() {
      bar?.stop();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
