// The heap bounds the job is measured and documented with, applied however the job is started. The shebang
// passes them when bin/leasingtaker.js is run as a program (npx, node_modules/.bin, $PATH), but `node
// bin/leasingtaker.js` (a cron line, a process manager, an IDE) skips the shebang, and V8 fixes its heap limits
// when it starts (`v8.setFlagsFromString` afterwards changes neither: measured on Node 24). So when a bound is
// missing, the launcher replaces itself with the same Node and the flags added: `process.execve`, the same
// process id, stdio, signals and exit code, and no parent left behind to forward signals or be killed alone.
// Flags the operator passed (on the command line or in NODE_OPTIONS) are kept as they are.

/** Without them exceljs' streaming reader lets the heap grow to several hundred MB (ARCHITECTURE.md, "Memory"). */
export const HEAP_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=8'];

/**
 * glibc's malloc gives each thread that allocates an arena of its own (up to 8 a core): zlib, SQLite and libuv's
 * thread pool leave several partly used ones. Two arenas took `run`'s peak RSS on a 50,000-row LibreOffice
 * workbook from 205 to 190 MiB at no CPU cost (ARCHITECTURE.md, "Memory"). glibc reads it only at start, so
 * it goes with the flags: here on the re-execution, in the shebang, in the container's ENV. An operator's own
 * value is kept here (the shebang can't: `env -S` has no default); other C libraries ignore it.
 */
export const MALLOC_ARENAS = '2';

/** Set in the replaced process, so that a Node which drops the flags cannot make the launcher loop. */
const APPLIED = 'LEASINGTAKER_HEAP_FLAGS_APPLIED';

const flagName = (flag) => flag.replace(/=.*$/, '').replaceAll('_', '-');

/** The flags of HEAP_FLAGS that neither `execArgv` nor NODE_OPTIONS sets. */
export function missingHeapFlags(execArgv, nodeOptions = '') {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean).map(flagName));
  return HEAP_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** Re-executes this process with the missing heap flags; returns only when none are missing or it can't. */
export function ensureHeapFlags() {
  const again = process.env[APPLIED] === '1';
  // Not passed on to anything the job starts: that is a process of its own.
  delete process.env[APPLIED];
  const missing = missingHeapFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length === 0 || again || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)],
    { MALLOC_ARENA_MAX: MALLOC_ARENAS, ...process.env, [APPLIED]: '1' },
  );
}
