import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { socleCommand } from './invocation.ts';

const dir = mkdtempSync(join(tmpdir(), 'socle-invocation-'));
const globalBin = join(dir, 'bin');
const workspaceBin = join(dir, 'repo', 'node_modules', '.bin');
for (const d of [globalBin, workspaceBin]) {
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'socle'), '#!/bin/sh\n');
  chmodSync(join(d, 'socle'), 0o755);
}

describe('socleCommand', () => {
  it('suggests plain socle when it is installed on the PATH', () => {
    expect(socleCommand({ PATH: [workspaceBin, globalBin].join(delimiter), npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20' })).toBe('socle');
  });

  it('suggests the package manager when socle is only in a node_modules/.bin it put on the PATH', () => {
    expect(socleCommand({ PATH: workspaceBin, npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20' })).toBe('pnpm exec socle');
    expect(socleCommand({ PATH: workspaceBin, npm_config_user_agent: 'npm/10.8.2 node/v20' })).toBe('npx --no socle');
    expect(socleCommand({ PATH: '' })).toBe('npx --no socle');
  });
});
