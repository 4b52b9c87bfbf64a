import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isTemporaryName } from '../inbox/listing.ts';
import { isOwnerFolder } from '../inbox/owner-folder.ts';
import type { Logger } from '../log.ts';

/** Why a run started: `start` of the process, a file in the `inbox`, or the retry `schedule`. */
export type RunTrigger = 'start' | 'inbox' | 'schedule';

export interface InboxWatcherOptions {
  readonly inbox: string;
  /** Quiet time after the last change in the inbox before a run starts. */
  readonly debounceMs: number;
  /** How often to look at the inbox as well, for volumes whose changes raise no events. */
  readonly pollMs: number;
  /** A run this long after the previous one ended, whatever happened in between (automatic retries). */
  readonly intervalMs: number;
  /** One run. Never called while the previous call is still going; a rejection is logged, not fatal. */
  readonly run: (trigger: RunTrigger) => Promise<void>;
  readonly logger: Logger;
}

export interface InboxWatcher {
  /** No new run starts; resolves when the run in progress (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Starts runs: one at once, then one when files arrive (fs.watch, recursive for the owners' sub-folders, with a
 * look every `pollMs` as a fallback) after `debounceMs` of quiet, and one `intervalMs` after the last run for
 * the retries. Runs never overlap: a request during a run queues one follow-up, however many arrive.
 */
export function startInboxWatcher(options: InboxWatcherOptions): InboxWatcher {
  const { logger } = options;
  let stopped = false;
  let current: Promise<void> | undefined;
  let queued: RunTrigger | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let interval: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let lastLook = '';

  const request = (trigger: RunTrigger): void => {
    if (stopped) return;
    if (current) {
      // One follow-up covers every request made during the run; the retry schedule outranks nothing.
      if (queued === undefined || queued === 'schedule') queued = trigger;
      return;
    }
    current = execute(trigger).then((ran) => {
      current = undefined;
      if (stopped) return;
      if (ran) interval = setTimeout(() => request('schedule'), options.intervalMs);
      const next = queued;
      queued = undefined;
      if (next !== undefined) request(next);
    });
  };

  /** Resolves with whether a run took place. */
  const execute = async (trigger: RunTrigger): Promise<boolean> => {
    try {
      // Moving files to the archive raises events too, and a run for an empty inbox would only spend one of
      // the retry runs of rows that failed (LEASINGTAKER_MAX_RUNS): an arrival only counts if a file waits.
      if (trigger === 'inbox' && (await look(options.inbox)) === '') {
        logger.debug('Inbox changed, but no file is waiting: no run.');
        return false;
      }
      // The retry schedule counts from the end of the last run, whatever started it.
      clearTimeout(interval);
      await options.run(trigger);
      return true;
    } catch (error) {
      // One line; the stack only at LOG_LEVEL=debug.
      logger.error(
        `The run failed (${(error as Error).message}); the next arrival or the retry schedule starts another.`,
      );
      logger.debug({ err: error }, 'The failure in full');
      return true;
    } finally {
      lastLook = await look(options.inbox).catch(() => lastLook);
    }
  };

  const arrived = (): void => {
    if (stopped) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => request('inbox'), options.debounceMs);
  };

  const startWatching = (): void => {
    try {
      watcher = watch(options.inbox, { recursive: true }, (_event, filename) => {
        if (filename && isTemporaryName(basename(filename.toString()))) return;
        arrived();
      });
      watcher.on('error', (error) => {
        logger.warn(
          { code: (error as NodeJS.ErrnoException).code },
          'Watching the inbox failed; looking every LEASINGTAKER_WATCH_POLL_SECONDS instead.',
        );
        watcher?.close();
        watcher = undefined;
      });
    } catch (error) {
      logger.warn(
        { code: (error as NodeJS.ErrnoException).code },
        'The inbox cannot be watched; looking every LEASINGTAKER_WATCH_POLL_SECONDS instead.',
      );
    }
  };

  const poll = setInterval(() => {
    if (stopped) return;
    if (!watcher) startWatching();
    void look(options.inbox).then(
      (now) => {
        if (now !== lastLook && now !== '') arrived();
        lastLook = now;
      },
      () => {},
    );
  }, options.pollMs);

  startWatching();
  request('start');

  return {
    async stop() {
      stopped = true;
      queued = undefined;
      clearTimeout(debounce);
      clearTimeout(interval);
      clearInterval(poll);
      watcher?.close();
      watcher = undefined;
      await current;
    },
  };
}

/**
 * What waits in the inbox, as one string of names, sizes and times ('' when nothing): files directly in it and
 * in the fleet owners' sub-folders, leaving out what the run leaves out: the same owner-folder rule, and names.
 */
export async function look(inbox: string): Promise<string> {
  const seen: string[] = [];
  const add = async (path: string, name: string) => {
    if (isTemporaryName(name)) return;
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) seen.push(`${path}:${info.size}:${info.mtimeMs}`);
  };
  const entries = await readdir(inbox, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(inbox, entry.name);
    if (entry.isDirectory() && isOwnerFolder(entry.name)) {
      for (const inner of await readdir(path, { withFileTypes: true }).catch(() => [])) {
        if (inner.isFile()) await add(join(path, inner.name), inner.name);
      }
    } else if (entry.isFile()) await add(path, entry.name);
  }
  return seen.sort().join('\n');
}
