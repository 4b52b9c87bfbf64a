import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the long variants of test/robustness (many SIGKILLs, long fault runs, bigger bombs).
// One file at a time: they spawn the CLI and measure it, and two at once would only fight over two cores.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
