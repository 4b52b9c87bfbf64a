// Real faults of the surroundings, not mocked ones: folders and files the job may not read or write, and disks
// that are full. Root ignores file modes, so as root the process under test runs as `nobody` (and the
// installation is handed to it first); a full disk is a small tmpfs mounted for the test (root only).

import { execFileSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const IS_ROOT = process.getuid?.() === 0;

/** Who the run under test is: `nobody` when the tests run as root, else the tests' own user. */
export const RUN_AS: { readonly uid?: number; readonly gid?: number } = IS_ROOT
  ? { uid: 65534, gid: 65534 }
  : {};

/** Gives `path` and everything under it to RUN_AS (as root; otherwise it is the tests' own already). */
export function handOver(path: string): void {
  if (RUN_AS.uid === undefined || RUN_AS.gid === undefined) return;
  const { uid, gid } = RUN_AS;
  const walk = (p: string) => {
    chownSync(p, uid, gid);
    if (lstatSync(p).isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(path);
}

/** Whether a tmpfs can be mounted here (root, and a kernel/container that allows it). */
export const CAN_MOUNT: boolean = (() => {
  if (!IS_ROOT) return false;
  const probe = `/tmp/leasingtaker-mount-probe-${process.pid}`;
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** A disk of its own at `dir` (created), `kilobytes` big. Returns the unmount, which the test must call. */
export function mountSmallDisk(dir: string, kilobytes: number): () => void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k,mode=0700`, 'tmpfs', dir]);
  return () => execFileSync('umount', ['-l', dir]);
}

/**
 * Fills the disk under `dir` with `dir/filler`, to the last byte or to `leaveBytes` short of it; removing that
 * file frees it again.
 */
export function fillDisk(dir: string, leaveBytes = 0): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    // The last partial page, byte by byte.
    try {
      for (;;) writeSync(fd, block, 0, 1);
    } catch {}
  } finally {
    closeSync(fd);
  }
  if (leaveBytes > 0) truncateSync(filler, Math.max(0, statSync(filler).size - leaveBytes));
  return filler;
}
