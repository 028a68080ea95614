// ESLint: the TypeScript rules that catch real bugs, with type information — promises nobody awaits or that are
// handed where nothing waits for them, awaits of non-promises, unused values, and `any` leaking into typed code.
// Style is not linted: Prettier formats (`.prettierrc.json`), and stylistic rules of the recommended sets are off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const tests = ['**/*.test.ts', '**/*.test-helper.ts', 'test/**/*.ts', 'bench/**/*.ts', 'packages/api/src/testing/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'deploy/local/.cache/**', 'bench/data/**', '**/dist/**', 'eslint.config.js'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Bugs: errors.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `_name` marks a value left out on purpose (a destructured field dropped, an unused parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' }],
      // `any` leaking into typed code: reported, not yet failing (the findings are counted in the lint report).
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/restrict-template-expressions': 'warn',
      // Style, or deliberate here: off.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off', // kafkajs hands plain functions in its payloads
      'no-control-regex': 'off', // escaping tables name control characters on purpose
      'no-useless-escape': 'off',
      'preserve-caught-error': 'off', // wrapped errors carry the cause's message in their own
    },
  },
  {
    files: tests,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
