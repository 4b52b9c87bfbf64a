import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
}

/**
 * One run at a time per state folder, across processes and containers sharing the volume. proper-lockfile
 * keeps the lock fresh while we hold it, and takes over a lock whose holder stopped refreshing it (a crashed or
 * killed run) once it is `staleMs` old.
 */
export async function acquireRunLock(stateDir: string, staleMs = 30_000): Promise<() => Promise<void>> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  try {
    return await lockfile.lock(stateDir, {
      lockfilePath: join(stateDir, 'run.lock'),
      stale: staleMs,
      update: Math.floor(staleMs / 3),
      realpath: false,
      retries: 0,
      // A lock lost while running (the state volume vanished, or a clock jump made it look stale) must stop us:
      // two runs would then send the same rows.
      onCompromised: (error) => {
        throw error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new RunLockedError(
        `Another run is working with the state folder ${stateDir}; this run does nothing. ` +
          `If no other run is going on, the lock is taken over by itself after ${Math.round(staleMs / 1000)} s.`,
      );
    }
    throw error;
  }
}
