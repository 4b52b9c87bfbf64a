import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import { maskIdNumbers } from '../domain/mask.ts';
import { type Logger, setLineSink } from '../log.ts';
import type { RunHooks } from './lane.ts';

const LOG_EVERY_MS = 5_000;

/** Loaded only for a terminal: cron and containers, which get log lines, don't pay for it at start. */
const loadCliProgress = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress');

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
  // A MultiBar (of one bar) because it can print log lines above itself: pretty log lines are routed to it while
  // it is drawn, instead of being written through the bar's line.
  const progressBars = terminal ? loadCliProgress() : undefined;
  const bars = progressBars
    ? new progressBars.MultiBar(
        {
          format: ' {files} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          gracefulExit: false,
          stream: process.stderr,
        },
        progressBars.Presets.shades_classic,
      )
    : undefined;
  let bar: cliProgress.SingleBar | undefined;
  const rate = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  // The bar writes to the terminal itself, past the logger's mask: a file name may hold a fødselsnummer.
  const label = () => maskIdNumbers([...files].join(', ')) || 'ferdig';
  const start = () => {
    if (startedAt !== 0) return;
    startedAt = performance.now();
    if (bars) {
      bar = bars.create(0, 0, { files: label(), rate: 0 });
      setLineSink((text) => bars.log(text));
    } else {
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
        // Rows a crashed run had queued already are sent without being counted in: keep the total honest.
        if (done > queued) {
          queued = done;
          bar?.setTotal(queued);
        }
        bar?.update(done, { files: label(), rate: rate() });
      },
      onFileDone(result) {
        files.delete(result.name);
        bar?.update({ files: label() });
      },
    },
    stop() {
      if (bars) {
        // The bar prints waiting log lines when it redraws; draw once more so none is lost, then hand back stdout.
        bars.update();
        bars.stop();
        setLineSink(undefined);
      }
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
