// Re-saving a file with the real LibreOffice, the way a clerk's "open, edit, save" leaves it: CSV without a
// BOM, text fields quoted, numbers as LibreOffice writes them; an xlsx with LibreOffice's own parts. Tests that
// need it skip where LibreOffice is not installed, except on CI (`.ci/run` installs it), where they fail.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';

export const SOFFICE = ['/usr/bin/soffice', '/usr/local/bin/soffice'].find((path) => existsSync(path));

/** CSV filter options: `;` as separator, `"` as text delimiter, UTF-8 (76), from line 1. */
const CSV_OPTIONS = '59,34,76,1';

/**
 * Opens `path` in LibreOffice (a CSV read as `;`-separated UTF-8, as the import dialog suggests for our files)
 * and saves it as `format` into `outDir`, keeping the base name. Returns the new file's path. Each call has its
 * own user profile, so parallel tests (and other processes' LibreOffice) don't fight over one profile lock.
 */
export function resaveWithLibreOffice(path: string, format: 'csv' | 'xlsx' | 'ods', outDir: string): string {
  if (!SOFFICE) throw new Error('LibreOffice is not installed');
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'lo-profile-'));
  try {
    const filter = format === 'csv' ? `csv:Text - txt - csv (StarCalc):${CSV_OPTIONS}` : format;
    const input = extname(path).toLowerCase() === '.csv' ? [`--infilter=CSV:${CSV_OPTIONS}`] : [];
    execFileSync(
      SOFFICE,
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        ...input,
        '--convert-to',
        filter,
        '--outdir',
        outDir,
        path,
      ],
      { stdio: 'pipe', timeout: 120_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  const out = join(outDir, `${basename(path, extname(path))}.${format}`);
  if (!existsSync(out)) throw new Error(`LibreOffice wrote no ${out}`);
  return out;
}
