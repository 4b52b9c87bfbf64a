import { readFileSync } from 'node:fs';

/**
 * The package version, read from package.json, which sits one level up from both src/ and dist/. An odd install
 * layout gives 'unknown' rather than stopping the tool over a version string.
 */
function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const version = readVersion();
