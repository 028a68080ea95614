import { defineConfig } from 'vitest/config';

/** Tests under test/ that need no Kafka or Elasticsearch; they run with the unit tests. */
const serverless = ['test/stack/manifests.test.ts', 'test/rules/**/*.test.ts', 'test/api/**/*.test.ts', 'test/sharing/**/*.test.ts'];

export default defineConfig({
  test: {
    // Time for the integration project's global teardown to stop Kafka and Elasticsearch cleanly.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', ...serverless],
          testTimeout: 120_000,
        },
      },
      {
        // Cross-package tests on a real Kafka and Elasticsearch started by deploy/local/stack.sh
        // (or an already running stack with SOCLE_TEST_STACK=external).
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: serverless,
          globalSetup: ['test/setup/global-stack.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
