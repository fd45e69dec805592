import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests beside the code (the portal's too, web/src); the integration suite under test/ against real
// PostgreSQL and again on embedded PGlite; an end-to-end test of the built node started as `npm start` starts it. scripts/test.mjs picks the
// projects (PostgreSQL only when reachable).
const integration = { include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**', 'test/restart/**'] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two files at a time even on two cores (vitest's default there is one): most of the suite waits on PostgreSQL,
    // started nodes or the browser, and every file has a database of its own. 12 min instead of 16.5 for `npm test`
    // on the 2-core machine of 2 December.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'] } },
      { extends: true, test: { name: 'postgres', ...integration, env: { ORTAK_TEST_DB: 'postgres' } } },
      // restarts the PostgreSQL server: run alone, after the rest (scripts/test.mjs)
      { extends: true, test: { name: 'restart', include: ['test/restart/**/*.test.ts'], env: { ORTAK_TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'pglite', ...integration, exclude: [...integration.exclude, 'test/**/*.pg-only.test.ts'], env: { ORTAK_TEST_DB: 'pglite' } } },
    ],
  },
});
