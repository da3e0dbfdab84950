import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Cross-thread tests spawn their own worker_threads; vitest's own pool of forks keeps
    // test files isolated from each other.
    pool: 'forks',
    fileParallelism: true,
  },
});
