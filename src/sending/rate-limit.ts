import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces request starts evenly at most `perSecond` a second, across all workers (LEASINGTAKER_MAX_RPS).
 * Returns a function to await before each request; without a limit it costs nothing.
 */
export function createRateLimit(perSecond: number | undefined): () => Promise<void> {
  if (!perSecond || perSecond <= 0) return () => Promise.resolve();
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  return async () => {
    const now = performance.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await sleep(slot - now);
  };
}
