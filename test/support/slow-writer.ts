// A real writer process for tests of files still being written when the run takes them (issue 13.1): a copy
// over a slow share that stalls part-way and then goes on, into whatever the file has become meanwhile.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Copies the file argv[3] into argv[2] as a slow copy would: the bytes before argv[4] at once (the file opened
// once and held open), then, once the file argv[5] appears, the rest a line (or 4 kB) at a time, `gap` ms apart:
// a copy that stalls, then goes on into whatever the file has become.
const WRITER = `
const fs = require('node:fs');
const [path, source, cut, go, gap] = process.argv.slice(1);
const bytes = fs.readFileSync(source);
const fd = fs.openSync(path, 'a');
fs.writeSync(fd, bytes.subarray(0, Number(cut)));
fs.writeFileSync(go + '.ready', '');
const wait = () => new Promise((resolve) => setTimeout(resolve, Number(gap)));
(async () => {
  while (!fs.existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 20));
  for (let at = Number(cut); at < bytes.length; ) {
    const line = bytes.indexOf(10, at);
    const next = Math.min(line < 0 ? bytes.length : line + 1, at + 4096);
    fs.writeSync(fd, bytes.subarray(at, next));
    at = next;
    await wait();
  }
  fs.closeSync(fd);
})();
`;

export interface Writer {
  readonly child: ChildProcess;
  /** Lets the writer go on with the rest. */
  resume(): void;
  readonly done: Promise<unknown>;
}

/** Starts writing `content` to `path`, stalling after `cut` bytes until `resume()`. */
export async function startWriter(
  path: string,
  content: string | Uint8Array,
  cut: number,
  gapMs: number,
  dir: string,
): Promise<Writer> {
  // The source and the markers live in the test's folder, not the inbox: only the fleet file is in the inbox.
  const id = Math.random().toString(36).slice(2);
  const source = join(dir, `source-${id}`);
  writeFileSync(source, content);
  const go = join(dir, `go-${id}`);
  const child = spawn(process.execPath, ['-e', WRITER, path, source, String(cut), go, String(gapMs)], {
    stdio: 'ignore',
  });
  const done = once(child, 'exit');
  while (!existsSync(`${go}.ready`)) await sleep(10);
  return { child, resume: () => writeFileSync(go, ''), done };
}
