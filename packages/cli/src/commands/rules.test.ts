import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRules } from './rules.ts';

const rulesPkg = (p: string) => fileURLToPath(new URL(`../../../rules/${p}`, import.meta.url));

/** Runs `socle rules ...` in-process; returns what it printed and the exit code it set. */
async function socleRules(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Error(`exit ${code}`);
  });
  process.exitCode = undefined;
  const program = new Command('socle');
  registerRules(program);
  let code: number;
  try {
    await program.parseAsync(['rules', ...args], { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    const m = /^exit (\d+)$/.exec((e as Error).message);
    if (!m) throw e;
    code = Number(m[1]);
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
  return { stdout, stderr, code };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('socle rules', () => {
  it('list --json prints exactly one object with the loaded count and the rejections', async () => {
    const { stdout, code } = await socleRules('list', '--rules', rulesPkg('test-fixtures/rejected-regex/rules'), '--rules', rulesPkg('test-fixtures/failing-test/rules'), '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed)).toEqual(['loaded', 'rejected']);
    expect(parsed.loaded).toBe(1);
    expect(parsed.rejected).toEqual([
      { file: expect.stringMatching(/lookahead\.yml$/), id: '6e9b4c1d-2a3f-4e5b-8c7d-9f0a1b2c3d05', reason: expect.stringMatching(/not supported/) },
    ]);
  });

  it('lint exits 0 on a clean package, 1 on errors, 1 on warnings with --strict', async () => {
    expect((await socleRules('lint', rulesPkg('packs/socle-baseline'))).code).toBe(0);
    const broken = await socleRules('lint', rulesPkg('test-fixtures/bad-manifest'));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/socle-package\.yml:2:1: error manifest: version/);
    expect((await socleRules('lint', rulesPkg('test-fixtures/duplicate-ids'))).code).toBe(0);
    expect((await socleRules('lint', '--strict', rulesPkg('test-fixtures/duplicate-ids'))).code).toBe(1);
  });

  it('lint --format json prints the diagnostics as data', async () => {
    const { stdout } = await socleRules('lint', '--format', 'json', rulesPkg('test-fixtures/duplicate-ids'));
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ package: 'duplicate-ids', errors: 0, warnings: 1 });
    expect(result.diagnostics[0]).toMatchObject({ code: 'duplicate-id', line: 2, column: 1 });
  });

  it('exits 2 on usage errors: a missing folder, an unknown format', async () => {
    const missing = await socleRules('lint', '/nonexistent/package');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a package folder/);
    expect((await socleRules('lint', '--format', 'yaml', rulesPkg('packs/socle-baseline'))).code).toBe(2);
  });

  it('test --reporter junit writes XML for CI and exits 1 on failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-cli-'));
    try {
      const { code } = await socleRules('test', rulesPkg('test-fixtures/failing-test'), '--reporter', 'junit', '--output', join(dir, 'junit.xml'));
      expect(code).toBe(1);
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites name="failing-test" tests="3" failures="2"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('coverage prints the table and writes a Navigator layer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-cli-'));
    try {
      const { stdout, code } = await socleRules('coverage', rulesPkg('packs/socle-baseline'), '--navigator', join(dir, 'layer.json'));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^T1110\.001\s+\d+\s+/m);
      const layer = JSON.parse(await readFile(join(dir, 'layer.json'), 'utf8'));
      expect(layer).toMatchObject({ domain: 'enterprise-attack', versions: { layer: '4.5' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
