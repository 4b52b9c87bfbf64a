import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLock } from '../../src/commands/doctor-folders.ts';

describe("doctor's run-lock check", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  // A lock that cannot be taken says which folder and what to do, as the run's own message does, not a bare
  // error code.
  it('names the state folder and what to do when the lock cannot be taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-lock-'));
    dirs.push(dir);
    const state = join(dir, 'state');
    writeFileSync(state, 'not a folder');
    const check = await checkLock(state);
    expect(check.verdict).toBe('skip');
    expect(check.text).toContain(state);
    expect(check.text).toMatch(/Check that it is a folder this user \(uid \d+\) may write/);
  });
});
