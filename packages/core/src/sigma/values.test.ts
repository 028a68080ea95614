/**
 * Conformance of value forms (Sigma rules specification, "Detection"): plain values, wildcards, escapes,
 * case, types, null and empty values, lists, maps, keywords, event arrays and nested fields.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.ts';
import type { SocleEvent } from '../event.ts';
import { formatLoadError } from './errors.ts';

/** `detection` is the YAML body of the detection section, written without its indentation. */
function ruleText(detection: string): string {
  const body = detection.replace(/^\n/, '').replace(/\s+$/, '');
  const indent = /^ */.exec(body)![0].length;
  const lines = body.split('\n').map((l) => '  ' + l.slice(indent));
  return `title: value test\nid: 0b7c7f4e-4f0e-4d8a-9d0e-5d1f9b2a0002\nlogsource: {product: test}\ndetection:\n${lines.join('\n')}\n`;
}

function matcher(detection: string) {
  const engine = createEngine({ rules: [{ text: ruleText(detection), file: 'values.yml' }] });
  if (engine.rejected.length) throw new Error(formatLoadError(engine.rejected[0]));
  return (event: SocleEvent) => engine.process(event).length === 1;
}

function rejected(detection: string) {
  const engine = createEngine({ rules: [{ text: ruleText(detection), file: 'values.yml' }] });
  expect(engine.loaded).toHaveLength(0);
  return engine.rejected[0];
}

describe('plain values', () => {
  const m = matcher(String.raw`
    sel:
      Image: 'C:\Windows\System32\whoami.exe'
    condition: sel
  `);
  it('match the whole value, case-insensitively', () => {
    expect(m({ Image: 'C:\\Windows\\System32\\whoami.exe' })).toBe(true);
    expect(m({ Image: 'c:\\windows\\system32\\WHOAMI.EXE' })).toBe(true);
    expect(m({ Image: 'C:\\Windows\\System32\\whoami.exe ' })).toBe(false);
    expect(m({ Image: 'D:\\C:\\Windows\\System32\\whoami.exe' })).toBe(false);
  });
  it('do not match a missing field, null, or an object', () => {
    expect(m({})).toBe(false);
    expect(m({ Image: null })).toBe(false);
    expect(m({ Image: { path: 'C:\\Windows\\System32\\whoami.exe' } })).toBe(false);
  });
  it('compare non-ASCII text case-insensitively', () => {
    const u = matcher(`
      sel:
        User: 'ÉCOLE\\Bérénice'
      condition: sel
    `);
    expect(u({ User: 'école\\BÉRÉNICE' })).toBe(true);
  });
});

describe('wildcards and escapes (end to end)', () => {
  it('`*` and `?` are wildcards', () => {
    const m = matcher(`
      sel:
        Image: '*\\prog?.exe'
      condition: sel
    `);
    expect(m({ Image: 'C:\\tools\\progA.exe' })).toBe(true);
    expect(m({ Image: '\\prog1.exe' })).toBe(true);
    expect(m({ Image: 'C:\\tools\\prog.exe' })).toBe(false);
    expect(m({ Image: 'C:\\tools\\progAB.exe' })).toBe(false);
  });

  it('`\\*` and `\\?` are literal characters', () => {
    const m = matcher(String.raw`
      sel:
        Title: 'Really\?'
        Glob: 'a\*b'
      condition: sel
    `);
    expect(m({ Title: 'Really?', Glob: 'a*b' })).toBe(true);
    expect(m({ Title: 'Really!', Glob: 'a*b' })).toBe(false);
    expect(m({ Title: 'Really?', Glob: 'axxb' })).toBe(false);
  });

  it('`\\\\*` is a backslash followed by a wildcard', () => {
    const m = matcher(String.raw`
      sel:
        Path: 'C:\Temp\\*'
      condition: sel
    `);
    expect(m({ Path: 'C:\\Temp\\evil.exe' })).toBe(true);
    expect(m({ Path: 'C:\\Temp\\' })).toBe(true);
    expect(m({ Path: 'C:\\Temp' })).toBe(false);
  });

  it('a single backslash before a wildcard escapes it (`C:\\Temp\\*` is the literal `C:\\Temp*`)', () => {
    const m = matcher(String.raw`
      sel:
        Path: 'C:\Temp\*'
      condition: sel
    `);
    expect(m({ Path: 'C:\\Temp*' })).toBe(true);
    expect(m({ Path: 'C:\\Temp\\evil.exe' })).toBe(false);
  });

  it('`\\\\\\*` is a literal backslash and star; `\\\\\\\\` is two backslashes', () => {
    const m = matcher(String.raw`
      sel:
        A: 'x\\\*'
        B: '\\\\host\share'
      condition: sel
    `);
    expect(m({ A: 'x\\*', B: '\\\\host\\share' })).toBe(true);
    expect(m({ A: 'x\\anything', B: '\\\\host\\share' })).toBe(false);
    expect(m({ A: 'x\\*', B: '\\host\\share' })).toBe(false);
  });

  it('a plain backslash before an ordinary character may be written single or double', () => {
    const single = matcher(String.raw`
      sel:
        Image|endswith: '\cmd.exe'
      condition: sel
    `);
    const double = matcher(String.raw`
      sel:
        Image|endswith: '\\cmd.exe'
      condition: sel
    `);
    for (const m of [single, double]) {
      expect(m({ Image: 'C:\\Windows\\cmd.exe' })).toBe(true);
      expect(m({ Image: 'C:\\Windows\\xcmd.exe' })).toBe(false);
    }
  });

  it('a trailing backslash stays a backslash', () => {
    const m = matcher(String.raw`
      sel:
        Dir|startswith: 'C:\Users\'
      condition: sel
    `);
    expect(m({ Dir: 'C:\\Users\\bob' })).toBe(true);
    expect(m({ Dir: 'C:\\Usersbob' })).toBe(false);
  });
});

describe('value types', () => {
  it('a number in the rule matches the number or its text in the event', () => {
    const m = matcher(`
      sel:
        EventID: 4688
      condition: sel
    `);
    expect(m({ EventID: 4688 })).toBe(true);
    expect(m({ EventID: '4688' })).toBe(true);
    expect(m({ EventID: 46880 })).toBe(false);
    expect(m({ EventID: '04688' })).toBe(false);
  });

  it('an unquoted number with leading zeros keeps its digits, as pySigma (PyYAML) reads it', () => {
    const m = matcher(`
      sel:
        Details|contains: 00000429
      condition: sel
    `);
    expect(m({ Details: 'Layout 429' })).toBe(false);
    expect(m({ Details: 'Layout 00000429' })).toBe(true);
    expect(m({ Details: 'Layout 10429' })).toBe(false);
  });

  it('a quoted number in the rule matches a numeric event value', () => {
    const m = matcher(`
      sel:
        EventID: '4688'
      condition: sel
    `);
    expect(m({ EventID: 4688 })).toBe(true);
  });

  it('booleans compare as true/false, case-insensitively with strings', () => {
    const m = matcher(`
      sel:
        Enabled: true
      condition: sel
    `);
    expect(m({ Enabled: true })).toBe(true);
    expect(m({ Enabled: 'True' })).toBe(true);
    expect(m({ Enabled: false })).toBe(false);
    expect(m({ Enabled: 1 })).toBe(false);
  });

  it('a numeric value with wildcards matches numbers by their text', () => {
    const m = matcher(`
      sel:
        Port|startswith: 44
      condition: sel
    `);
    expect(m({ Port: 443 })).toBe(true);
    expect(m({ Port: 80 })).toBe(false);
  });
});

describe('null and empty values', () => {
  const m = matcher(`
    sel:
      EventID: 4738
    filter:
      PasswordLastSet: null
    condition: sel and not filter
  `);
  it('null matches a missing field and a null field', () => {
    expect(m({ EventID: 4738 })).toBe(false);
    expect(m({ EventID: 4738, PasswordLastSet: null })).toBe(false);
    expect(m({ EventID: 4738, PasswordLastSet: '2024-01-01' })).toBe(true);
    expect(m({ EventID: 4738, PasswordLastSet: '' })).toBe(true);
  });

  it("'' matches only an empty string, not a missing or null field", () => {
    const e = matcher(`
      sel:
        FieldB: ''
      condition: sel
    `);
    expect(e({ FieldB: '' })).toBe(true);
    expect(e({ FieldB: ' ' })).toBe(false);
    expect(e({})).toBe(false);
    expect(e({ FieldB: null })).toBe(false);
  });

  it('the specification example: one selection per special value, combined with `1 of`', () => {
    const s = matcher(`
      selection_main:
        FieldA: 'something'
      selection_empty1:
        FieldB: ''
      selection_empty2:
        FieldB: null
      condition: selection_main and 1 of selection_empty*
    `);
    expect(s({ FieldA: 'something', FieldB: '' })).toBe(true);
    expect(s({ FieldA: 'something' })).toBe(true);
    expect(s({ FieldA: 'something', FieldB: 'x' })).toBe(false);
  });

  it('null in a list of values is an OR with the other values (accepted like pySigma, though the specification discourages it)', () => {
    const l = matcher(`
      sel:
        FieldB:
          - ''
          - null
      condition: sel
    `);
    expect(l({ FieldB: '' })).toBe(true);
    expect(l({})).toBe(true);
    expect(l({ FieldB: null })).toBe(true);
    expect(l({ FieldB: 'x' })).toBe(false);
  });

  it('null as a keyword is rejected', () => {
    expect(rejected(`
      sel:
        - null
      condition: sel
    `).reason).toMatch(/null/);
  });
});

describe('lists and maps', () => {
  it('a list of values is an OR', () => {
    const m = matcher(`
      sel:
        EventID:
          - 517
          - 1102
      condition: sel
    `);
    expect(m({ EventID: 517 })).toBe(true);
    expect(m({ EventID: 1102 })).toBe(true);
    expect(m({ EventID: 4624 })).toBe(false);
  });

  it('a map is an AND of its fields', () => {
    const m = matcher(`
      sel:
        EventLog: Security
        EventID: [517, 1102]
      condition: sel
    `);
    expect(m({ EventLog: 'security', EventID: 1102 })).toBe(true);
    expect(m({ EventLog: 'System', EventID: 1102 })).toBe(false);
    expect(m({ EventID: 1102 })).toBe(false);
  });

  it('a list of maps is an OR of the maps', () => {
    const m = matcher(`
      sel:
        - Image|endswith: '\\example.exe'
        - Description|contains: 'Test executable'
      condition: sel
    `);
    expect(m({ Image: 'C:\\example.exe' })).toBe(true);
    expect(m({ Description: 'A test executable file' })).toBe(true);
    expect(m({ Image: 'C:\\other.exe', Description: 'other' })).toBe(false);
  });

  it('a list mixing maps and plain values is rejected', () => {
    expect(rejected(`
      sel:
        - Image: x
        - keyword
      condition: sel
    `).construct).toBe('detection.sel');
  });
});

describe('keywords (full-text search over every value)', () => {
  const m = matcher(`
    keywords:
      - 'EVILSERVICE'
      - 'svchost.exe -n evil'
    condition: keywords
  `);
  it('a keyword list is an OR of substrings of any value', () => {
    expect(m({ Message: 'Service EvilService installed' })).toBe(true);
    expect(m({ process: { command_line: 'C:\\svchost.exe -n evil' } })).toBe(true);
    expect(m({ tags: ['x', 'the evilservice tag'] })).toBe(true);
    expect(m({ Message: 'benign' })).toBe(false);
  });
  it('does not search field names', () => {
    expect(m({ EVILSERVICE: 'x' })).toBe(false);
  });

  it("`'|all'` requires every keyword, possibly in different values", () => {
    const all = matcher(`
      keywords_cmdlet:
        '|all':
          - 'OabVirtualDirectory'
          - ' -ExternalUrl '
      condition: keywords_cmdlet
    `);
    expect(all({ CommandLine: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true);
    expect(all({ A: 'OabVirtualDirectory', B: 'x -ExternalUrl y' })).toBe(true);
    expect(all({ CommandLine: 'Set-OabVirtualDirectory' })).toBe(false);
  });

  it('keywords match numbers and booleans by their text, and honour wildcards', () => {
    const k = matcher(`
      keywords:
        - 'port 4?4 open'
        - 31337
      condition: keywords
    `);
    expect(k({ msg: 'port 444 opened' })).toBe(true);
    expect(k({ port: 31337 })).toBe(true);
    expect(k({ msg: 'port 44 open' })).toBe(false);
  });

  it('a single keyword (not a list) works too', () => {
    const k = matcher(`
      keyword: mimikatz
      condition: keyword
    `);
    expect(k({ a: { b: ['x', 'Invoke-Mimikatz'] } })).toBe(true);
  });

  it('keywords combine with field selections', () => {
    const k = matcher(`
      sel:
        EventID: 7045
      keywords:
        - psexesvc
      condition: sel and keywords
    `);
    expect(k({ EventID: 7045, ServiceName: 'PSEXESVC' })).toBe(true);
    expect(k({ EventID: 7046, ServiceName: 'PSEXESVC' })).toBe(false);
  });
});

describe('event shapes: arrays, nested objects, flat dotted keys', () => {
  const m = matcher(`
    sel:
      process.parent.name: explorer.exe
      process.args|contains: '-enc'
    condition: sel
  `);
  it('nested objects and flat dotted keys are the same field', () => {
    expect(m({ process: { parent: { name: 'explorer.exe' }, args: ['powershell', '-enc', 'AAAA'] } })).toBe(true);
    expect(m({ 'process.parent.name': 'explorer.exe', 'process.args': ['-enc'] })).toBe(true);
    expect(m({ process: { 'parent.name': 'EXPLORER.EXE', args: '-enc' } })).toBe(true);
    expect(m({ 'process.parent': { name: 'explorer.exe' }, process: { args: ['x -enc'] } })).toBe(true);
  });
  it('an array field matches when any element matches', () => {
    expect(m({ process: { parent: { name: ['cmd.exe', 'explorer.exe'] }, args: ['-enc'] } })).toBe(true);
    expect(m({ process: { parent: { name: ['cmd.exe'] }, args: ['-enc'] } })).toBe(false);
  });
  it('arrays of objects on the path are searched element by element', () => {
    const dns = matcher(`
      sel:
        dns.answers.data: 10.0.0.1
      condition: sel
    `);
    expect(dns({ dns: { answers: [{ data: '192.168.0.1' }, { data: '10.0.0.1' }] } })).toBe(true);
    expect(dns({ dns: { answers: [{ data: '192.168.0.1' }, { name: '10.0.0.1' }] } })).toBe(false);
  });
  it('a field name without dots is looked up as is', () => {
    const flat = matcher(`
      sel:
        CommandLine: x
      condition: sel
    `);
    expect(flat({ CommandLine: 'X' })).toBe(true);
    expect(flat({ commandline: 'x' })).toBe(false);
  });
});
