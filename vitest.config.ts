import { defineConfig } from 'vitest/config';

// Three projects: unit tests beside the code; the integration suite under test/ against real PostgreSQL, and the
// same suite again on embedded PGlite. scripts/test.mjs picks the projects (PostgreSQL only when reachable).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { test: { name: 'postgres', include: ['test/**/*.test.ts'], env: { ORTAK_TEST_DB: 'postgres' } } },
      { test: { name: 'pglite', include: ['test/**/*.test.ts'], exclude: ['test/**/*.pg-only.test.ts'], env: { ORTAK_TEST_DB: 'pglite' } } },
    ],
  },
});
