#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=160 --max-semi-space-size=8
// Launcher. Plain JavaScript that any Node can parse, so that an old Node says what is wrong instead of
// failing on syntax. The heap is bounded however the job is started: by the
// shebang's flags, or else by heap-flags.js, which re-executes Node with them (see ARCHITECTURE.md, "Memory").
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 15)) {
  process.stderr.write(
    `leasingtaker needs Node.js 24.15 or newer; this is ${process.version}.\n` +
      'Run it with the Node.js that `npm install` put in node_modules (node_modules/.bin/node bin/leasingtaker.js\n' +
      '..., or through npm: npm start, npx leasingtaker ...), or install Node.js 24 LTS.\n',
  );
  process.exit(2);
}
const { ensureHeapFlags } = await import('./heap-flags.js');
ensureHeapFlags();
// Compiled code is cached beside the code (.compile-cache, or NODE_COMPILE_CACHE): start-up is mostly compiling
// modules, and `--help` or an empty run should not pay for it every time. Not the shared temp folder, where
// another user could plant a cache. Where the folder can't be written (a read-only install), Node carries on
// without it.
const { enableCompileCache } = await import('node:module');
const { fileURLToPath } = await import('node:url');
enableCompileCache(
  process.env.NODE_COMPILE_CACHE || fileURLToPath(new URL('../.compile-cache', import.meta.url)),
);
const { main } = await import('../dist/cli.js');
await main(process.argv);
