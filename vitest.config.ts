import { defineConfig } from 'vitest/config';

// .ci/run sets VITEST_JSON_REPORT so it can print the runner's own pass/fail counts.
const jsonReport = process.env.VITEST_JSON_REPORT;

// Latency-fidelity tests compare measured percentiles with known truths; they run after the other
// files, alone, so that no other test competes for the two cores while they measure.
const TIMING = ['test/fidelity.test.ts', 'test/demo.test.ts', 'test/html-report.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A redis-server on a loopback port for the tests that need one (REDIS_URL).
    globalSetup: ['test/global-setup.ts'],
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...TIMING, '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: TIMING,
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
        },
      },
    ],
  },
});
