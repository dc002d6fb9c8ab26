import { defineConfig } from 'vitest/config';

// Unit, integration, contract and end-to-end tests in one run (`npm test`). Real SQLite files, real processes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
