import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile, NotAFileError } from '../../src/storage/hash-file.ts';

describe('hashing a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is the SHA-256 of the file's bytes", async () => {
    const bytes = Buffer.alloc(300_000, 'Kjennemerke;Handling\n');
    writeFileSync(join(dir, 'mars.csv'), bytes);
    expect(await hashFile(join(dir, 'mars.csv'))).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a FIFO at once instead of waiting for a writer, and does not follow a link', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo.csv')]);
    await expect(hashFile(join(dir, 'fifo.csv'))).rejects.toBeInstanceOf(NotAFileError);
    writeFileSync(join(dir, 'mars.csv'), 'x');
    symlinkSync(join(dir, 'mars.csv'), join(dir, 'link.csv'));
    await expect(hashFile(join(dir, 'link.csv'))).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
