import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
    // Vitest leaves a core free by default; on a 2-core machine that runs the files one at a
    // time. The unit tests keep no clock-bound assertions, so every core takes a file.
    maxWorkers: availableParallelism(),
  },
});
