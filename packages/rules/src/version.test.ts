import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOCLE_VERSION } from './version.ts';

describe('SOCLE_VERSION', () => {
  it('is the version the packages are published as', () => {
    for (const pkg of ['core', 'rules', 'cli']) {
      const manifest = JSON.parse(readFileSync(new URL(`../../${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string };
      expect(manifest.version, pkg).toBe(SOCLE_VERSION);
    }
  });
});
