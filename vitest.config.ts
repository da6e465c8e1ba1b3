import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests share one PostgreSQL server and one Redis: each file uses its own database/queue names,
    // but PGlite start-up and embedding are CPU-heavy on 2 cores, so files run two at a time.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
