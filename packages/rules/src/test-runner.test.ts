import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatJunit, formatTestReport } from './test-report.ts';
import { testExitCode, testPackage } from './test-runner.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
const baseline = fileURLToPath(new URL('../packs/socle-baseline', import.meta.url));

describe('rule tests on a package with failing tests', () => {
  it('fails the cases whose expectations do not hold and explains each difference', async () => {
    const result = await testPackage(fixture('failing-test'));
    expect(result.passed).toBe(1);
    expect(result.failed).toBe(2);
    expect(testExitCode(result)).toBe(1);
    const report = formatTestReport(result);
    expect(report).toMatch(/✓ .*root-login\.yml:3 root logs in/);
    expect(report).toMatch(/✗ .*root-login\.yml:14 expects an alert for alice.*\n\s+rule "Root Login": expected 1 alert\(s\), got 0\n\s+alerts produced: none/);
    expect(report).toMatch(/rule "Root Login": no alert has the expected fields\n\s+✗ source\.ip: expected "198\.51\.100\.1", got "192\.0\.2\.12"/);
    expect(report).toMatch(/failing-test: 1 passed, 2 failed$/);
  });

  it('writes JUnit XML with one testcase per case and the failure text', async () => {
    const xml = formatJunit(await testPackage(fixture('failing-test')));
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="failing-test" tests="3" failures="2" errors="0">/);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<failure message="rule &quot;Root Login&quot;: expected 1 alert(s), got 0">');
  });

  it('reports rules the engine rejects as errors, so the run fails even without cases', async () => {
    const result = await testPackage(fixture('rejected-regex'));
    expect(result.cases).toEqual([]);
    expect(result.errors.join('\n')).toMatch(/lookahead\.yml: rule 6e9b4c1d-2a3f-4e5b-8c7d-9f0a1b2c3d05 rejected by the engine: .*not supported/);
    expect(testExitCode(result)).toBe(1);
    expect(formatJunit(result)).toContain('<error message=');
  });

  it('reports a broken manifest instead of running', async () => {
    const result = await testPackage(fixture('bad-manifest'));
    expect(result.errors.some((e) => /version: must be a semver version/.test(e))).toBe(true);
    expect(testExitCode(result)).toBe(1);
  });
});

describe('rule tests of the example package', () => {
  it('pass, including a filter that removes an expected source', async () => {
    const result = await testPackage(fileURLToPath(new URL('../examples/acme-linux', import.meta.url)));
    expect(result.errors).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed])).toEqual([
      ['deploy logs in with a password', true],
      ['deploy logs in with its key, as CI does', true],
      ['the legacy build agent is filtered out', true],
    ]);
  });
});

describe('rule tests of socle-baseline', () => {
  it('pass, with a positive and a negative case for every rule', async () => {
    const result = await testPackage(baseline);
    expect(formatTestReport(result).split('\n').filter((l) => !l.startsWith('✓'))).toEqual([
      `socle-baseline: ${result.cases.length} passed, 0 failed`,
    ]);
    expect(result.cases.length).toBeGreaterThanOrEqual(80);
  }, 60_000);
});
