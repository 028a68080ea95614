import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { describe, expect, it } from 'vitest';
import { SIGMA_DIR } from '../../../test/setup/sigma-corpus.ts';
import { importSigma } from './import-sigma.ts';
import { lintPackage } from './lint.ts';
import { readPipelineSources, readYamlSources } from './sources.ts';

const SIGMA_RULES = join(SIGMA_DIR, 'rules');
const SIGMA_LINUX = join(SIGMA_RULES, 'linux/builtin');

describe('import-sigma', () => {
  it("reports exactly the engine's load results on the SigmaHQ rule tree", async () => {
    const report = await importSigma(SIGMA_RULES, { pipelines: ['windows-ecs', 'linux-ecs'] });
    const engine = createEngine({
      rules: await readYamlSources([SIGMA_RULES]),
      pipelines: await readPipelineSources(['windows-ecs', 'linux-ecs']),
    });
    expect(report.loaded).toBe(engine.loaded.length);
    expect(report.rejected).toHaveLength(engine.rejected.length);
    expect(report.loaded).toBeGreaterThan(1000);
    expect(report.rejected.every((r) => r.reason.length > 0 && r.file.endsWith('.yml'))).toBe(true);
  }, 120_000);

  it('writes the loadable rules as a package that lints without errors', async () => {
    const out = await mkdtemp(join(tmpdir(), 'socle-import-'));
    try {
      const report = await importSigma(SIGMA_LINUX, { pipelines: ['linux-ecs'], out: join(out, 'sshd-rules') });
      expect(report.loaded).toBeGreaterThan(0);
      expect(report.written).toBe(report.files - new Set(report.rejected.map((r) => r.file)).size);
      const manifest = await readFile(join(out, 'sshd-rules', 'socle-package.yml'), 'utf8');
      expect(manifest).toMatch(/^name: sshd-rules\n/);
      expect(manifest).toContain('pipelines:\n  - linux-ecs');
      const lint = await lintPackage(join(out, 'sshd-rules'));
      expect(lint.errors).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('lists detection fields the chosen pipeline does not know', async () => {
    const report = await importSigma(join(SIGMA_RULES, 'web/webserver_generic'), { pipelines: ['linux-ecs'] });
    expect(report.uncoveredFields.map((f) => f.field)).toContain('cs-uri-query');
    expect(report.uncoveredFields.length).toBeGreaterThan(0);
    expect(report.uncoveredFields.every((f) => f.rules > 0)).toBe(true);
  });
});
