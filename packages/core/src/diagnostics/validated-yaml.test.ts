import { describe, expect, it } from 'vitest';
import { errorMessage } from './error-message.ts';
import { formatDiagnostic } from './diagnostic.ts';
import { ConfigFileError, parseValidatedYaml, type SafeParser } from './validated-yaml.ts';
import type { ValidationIssue } from './validation.ts';

/** A hand-written validator of the shape zod has: `port` must be a number, no other key. */
const portSchema: SafeParser<{ port: number }> = {
  safeParse(value) {
    const v = value as Record<string, unknown>;
    const issues: ValidationIssue[] = [];
    if (v.port === undefined) issues.push({ code: 'invalid_type', path: ['port'], expected: 'number', message: 'required' });
    else if (typeof v.port !== 'number') issues.push({ code: 'custom', path: ['port'], message: 'must be a number' });
    const extra = Object.keys(v).filter((k) => k !== 'port');
    if (extra.length) issues.push({ code: 'unrecognized_keys', path: [], keys: extra, message: 'unknown' });
    return issues.length ? { success: false, error: { issues } } : { success: true, data: { port: v.port as number } };
  },
};

const problemsOf = (text: string): string[] => {
  try {
    parseValidatedYaml(text, 'c.yml', portSchema);
  } catch (error) {
    if (error instanceof ConfigFileError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseValidatedYaml', () => {
  it('puts a wrong value at the value, an unknown key at the key, a missing key at its parent', () => {
    expect(problemsOf('name: x\nport: "eighty"\ncolour: red\n')).toEqual(['c.yml:2:7: port: must be a number', 'c.yml:1:1: (document): unknown key(s) "name", "colour"']);
    expect(problemsOf('other: 1\n')[0]).toBe('c.yml:1:1: port: missing required key');
  });

  it('reports YAML syntax errors at their line', () => {
    expect(problemsOf('port: [1,\n')[0]).toMatch(/^c\.yml:\d+:\d+: /);
  });

  it('returns the validated value', () => {
    expect(parseValidatedYaml('port: 80\n', 'c.yml', portSchema)).toEqual({ port: 80 });
  });
});

describe('formatDiagnostic', () => {
  it('writes file:line:col: path: message, and the hint on its own line', () => {
    expect(formatDiagnostic({ file: 'a.yml', line: 3, column: 5, path: 'x.y', message: 'bad', hint: 'fix it' })).toBe('a.yml:3:5: x.y: bad\n    hint: fix it');
    expect(formatDiagnostic({ file: 'command line', path: 'inputs', message: 'empty' })).toBe('command line: inputs: empty');
  });
});

describe('errorMessage', () => {
  it('reads an Error and anything else thrown', () => {
    expect(errorMessage(new RangeError('out'))).toBe('out');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });
});
