import type { Logger } from '../log.ts';

/**
 * SIGTERM and SIGINT (Ctrl-C) as `run` and `watch` answer them: the first calls `onFirst`, which starts no new
 * work and lets the requests in flight finish and be recorded; a second exits at once (130, as a shell reports
 * Ctrl-C), for the person or scheduler that will not wait. Nothing is lost that way either: the ledger knows the
 * rows in flight, and the next run resends them as "maybe sent". Returns what removes the handlers again.
 */
export function handleStopSignals(logger: Logger, onFirst: (signal: NodeJS.Signals) => void): () => void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`${signal} again: exiting now. Rows in flight are resent as "maybe sent" next run.`);
      process.exit(130);
    }
    onFirst(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
