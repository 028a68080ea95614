import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.ts';
import { lintExitCode, lintPackage } from './lint.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
const baseline = fileURLToPath(new URL('../packs/socle-baseline', import.meta.url));

describe('lint on broken packages', () => {
  it('reports each manifest problem with its key, position and a hint', async () => {
    const result = await lintPackage(fixture('bad-manifest'));
    const text = result.diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toMatch(/socle-package\.yml:1:7: error manifest: name: must be lower-case/);
    expect(text).toMatch(/socle-package\.yml:2:10: error manifest: version: must be a semver version/);
    expect(text).toMatch(/socle-package\.yml:3:10: error manifest: licence: must be an SPDX licence expression/);
    expect(text).toMatch(/description: missing required key\n\s+hint: add "description:"/);
    expect(lintExitCode(result, false)).toBe(1);
  });

  it('points at the line and column of a YAML syntax error, once', async () => {
    const result = await lintPackage(fixture('yaml-syntax'));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 5, column: 1, severity: 'error' });
    expect(result.diagnostics[0]!.file).toMatch(/rules\/broken\.yml$/);
  });

  it('warns about a duplicate id and names the first rule that uses it', async () => {
    const result = await lintPackage(fixture('duplicate-ids'));
    expect(result.errors).toBe(0);
    const dup = result.diagnostics.find((d) => d.code === 'duplicate-id');
    expect(dup?.file).toMatch(/second\.yml$/);
    expect(dup?.message).toMatch(/also used by "First Rule" at .*first\.yml:2:1/);
    expect(lintExitCode(result, false)).toBe(0);
    expect(lintExitCode(result, true)).toBe(1);
  });

  it('names an undefined identifier and lists the defined ones', async () => {
    const result = await lintPackage(fixture('undefined-identifier'));
    const warning = result.diagnostics.find((d) => d.code === 'undefined-identifier');
    expect(warning).toMatchObject({ line: 10, column: 3, ruleId: '0c3d7e2a-9f1b-4b8e-a6d2-7e5f3c1b9d04' });
    expect(warning?.message).toContain('"selction"');
    expect(warning?.hint).toBe('defined identifiers: selection, filter');
    // The engine refuses such a rule too, so it is an error in the end.
    expect(result.diagnostics.some((d) => d.code === 'engine-rejected' && /selction/.test(d.message))).toBe(true);
  });

  it("reports the engine's refusal of a regular expression at the offending key", async () => {
    const result = await lintPackage(fixture('rejected-regex'));
    const error = result.diagnostics.find((d) => d.code === 'engine-rejected');
    expect(error).toMatchObject({ line: 7, column: 5, severity: 'error' });
    expect(error?.message).toMatch(/process\.command_line\|re: .*not supported/);
  });

  it('accepts socle.scope: soc on a correlation rule and points at a wrong one', async () => {
    const result = await lintPackage(fixture('soc-scope'));
    const text = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n');
    expect(text).toMatch(/rules\/failure\.yml:12:3: error engine-rejected \[rule 7a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c04\]: the engine rejects this rule: socle\.scope: 'soc' applies to correlation rules only/);
    expect(text).toMatch(/rules\/spray\.yml:27:10: error schema \[rule 7a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c03\]: socle\.scope: .*"organization".*"soc"/);
    expect(text).not.toMatch(/4c02/); // the SOC-wide correlation itself is fine
  });

  it('checks test files: their format and the rules they name', async () => {
    const result = await lintPackage(fixture('bad-test-file'));
    const text = result.diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toMatch(/tests\/root-login\.yml:5:16: error test-format: cases\.0\.events\.0\.every: must be a duration/);
    expect(result.errors).toBeGreaterThanOrEqual(1);
  });

  it('flags an unquoted "word:" value, deprecated syntax, unknown keys and missing ATT&CK tags', async () => {
    const { lintRule } = await import('./lint-rule.ts');
    const { parseYamlDocuments } = await import('./yaml-documents.ts');
    const text = [
      'title: Old Style',
      'id: not-a-uuid',
      'date: 2020/01/02',
      'tags: [attack.credential_access]',
      'colour: red',
      'logsource: {category: webserver}',
      'detection:',
      '  selection:',
      '    url.original|contains:',
      '      - javascript:',
      '  timeframe: 5m',
      '  condition: selection | count() > 5',
    ].join('\n');
    const [doc] = parseYamlDocuments(text, 'old.yml');
    const value = doc!.value as Record<string, unknown>;
    const codes = lintRule({ file: 'old.yml', path: '/old.yml', doc: doc!, value, kind: 'detection', id: 'not-a-uuid', title: 'Old Style' }, undefined).map(
      (d) => `${d.code}@${d.line}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining(['id-format@2', 'deprecated@3', 'deprecated@4', 'unknown-key@5', 'value-type@10', 'deprecated@11', 'deprecated@12', 'missing-attack-tag@4']),
    );
  });
});

describe('lint on the shipped packages', () => {
  it('finds no errors and no warnings in socle-baseline', async () => {
    const result = await lintPackage(baseline);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(lintExitCode(result, true)).toBe(0);
  });

  it('finds no errors and no warnings in the example package', async () => {
    const result = await lintPackage(fileURLToPath(new URL('../examples/acme-linux', import.meta.url)));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
  });
});
