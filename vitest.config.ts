import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** Tests under test/ that need no Kafka or Elasticsearch; they run with the unit tests. */
const serverless = ['test/stack/manifests.test.ts', 'test/rules/**/*.test.ts', 'test/api/**/*.test.ts', 'test/sharing/**/*.test.ts'];

/** Tests that pack the built packages and install them into scratch projects (they build first). */
const packaging = ['test/packaging/**/*.test.ts'];

// The tests run the TypeScript sources: the `@socle/source` export condition picks each package's src/ over dist/,
// here and in every `node` a test starts (the `socle` binary then runs its sources through tsx).
const SOURCE = '@socle/source';
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--conditions=${SOURCE}`].filter(Boolean).join(' ');
// The parsed-rules cache of the `socle` commands the tests run: out of the user's own cache.
process.env.SOCLE_CACHE_DIR ??= join(tmpdir(), 'socle-test-cache');

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    // Time for the integration project's global teardown to stop Kafka and Elasticsearch cleanly.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', ...serverless],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'packaging',
          include: packaging,
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Cross-package tests on a real Kafka and Elasticsearch started by deploy/local/stack.sh
        // (or an already running stack with SOCLE_TEST_STACK=external).
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...serverless, ...packaging],
          globalSetup: ['test/setup/global-stack.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
