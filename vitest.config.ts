import { defineConfig } from 'vitest/config';

/**
 * Three tiers (`vitest run --project <name>`, or `npm run test:unit` / `test:integration` / `test:e2e`);
 * `npm test` runs all of them, as CI does.
 *
 * - unit: no PostgreSQL, Redis, PGlite or child process: the edit loop. In-process fakes (an HTTP server on
 *   a free port) are fine; test/tiers.test.ts keeps these files to that. Sharing no server, they may run four
 *   at a time (`npm run test:unit`); the two-at-a-time limit below is for the tiers that share PostgreSQL.
 * - e2e: whole `sonic-mood` processes, the bots end to end against the fakes, faults, replicas; then the
 *   load test on its own (`LOAD`).
 * - integration: everything else, against real PostgreSQL, Redis and PGlite. A new test file lands here
 *   unless it is listed in another tier.
 */
export const UNIT = [
  'config',
  'discord-interaction-rest',
  'discord-render',
  'error-summary',
  'fake-discord',
  'fuzz-text',
  'health',
  'import-direction',
  'logger',
  'index-params',
  'listen-links',
  'models',
  'mood-text',
  'openai-providers',
  'refinement',
  'rerank',
  'slack-render',
  'spotify-resolver',
  'terminal-output',
  'themes',
  'tiers',
].map((name) => `test/${name}.test.ts`);

export const E2E = [
  'build',
  'cli',
  'discord-cli',
  'discord-controls',
  'discord-daily',
  'discord-e2e',
  'fatal-exits',
  'faults',
  'hostile-input',
  'ingest-cli',
  'pglite-lock',
  'postgres-connection',
  'replica',
  'slack-cli',
  'slack-controls',
  'slack-daily',
  'slack-worker-process',
  'worker-process',
].map((name) => `test/${name}.test.ts`);

/**
 * The load test makes its own load (500 interactions in a second) and checks Discord's 3-second deadline, so
 * it runs last and alone: beside another process test on 2 cores, the deadline measures the neighbour.
 */
export const LOAD = ['test/load.test.ts'];

export default defineConfig({
  test: {
    // Tests share one PostgreSQL server and one Redis: each file uses its own database/queue names,
    // but PGlite start-up and embedding are CPU-heavy on 2 cores, so files run two at a time.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The quick tier first (groupOrder): a broken unit test shows before the slow tiers start.
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...E2E, ...LOAD],
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E, sequence: { groupOrder: 2 } } },
      { extends: true, test: { name: 'load', include: LOAD, sequence: { groupOrder: 3 } } },
    ],
  },
});
