import { type Flags, loadEnvFile, loadRunConfig, type RunConfig } from '../config.ts';
import { printError } from '../console.ts';

export type Configured<T> =
  | { readonly ok: true; readonly config: T }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * What `run`, `watch` and `doctor` start with: the `.env` file (or `--env-file`), then the environment and
 * flags, every problem collected. `more` adds a command's own settings, whose problems join the same list.
 */
export function configure<Extra = Record<never, never>>(
  flags: Flags & { envFile?: string },
  more?: (env: NodeJS.ProcessEnv, flags: Flags) => Configured<Extra>,
): Configured<RunConfig & Extra> {
  try {
    loadEnvFile(typeof flags.envFile === 'string' ? flags.envFile : undefined);
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] };
  }
  const loaded = loadRunConfig(process.env, flags);
  const extra = more?.(process.env, flags) ?? { ok: true, config: {} as Extra };
  const problems = [...(loaded.ok ? [] : loaded.problems), ...(extra.ok ? [] : extra.problems)];
  if (!loaded.ok || !extra.ok) return { ok: false, problems };
  return { ok: true, config: { ...loaded.config, ...extra.config } };
}

/** The same words whichever command found the problems: all of them, and where to read more. */
export function explainProblems(problems: readonly string[]): void {
  printError(
    `The configuration has ${problems.length} problem(s); nothing was done:\n` +
      problems.map((problem) => `  - ${problem}`).join('\n') +
      '\nSee README.md, "Configuration".\n',
  );
}
