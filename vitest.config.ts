import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Time for the integration project's global teardown to stop Kafka and Elasticsearch cleanly.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
        },
      },
      {
        // Checks of deploy/ manifests: no servers needed, unit speed.
        test: {
          name: 'manifests',
          include: ['test/stack/manifests.test.ts'],
        },
      },
      {
        // Cross-package tests on a real Kafka and Elasticsearch started by deploy/local/stack.sh
        // (or an already running stack with SOCLE_TEST_STACK=external).
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/stack/manifests.test.ts'],
          globalSetup: ['test/setup/global-stack.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
