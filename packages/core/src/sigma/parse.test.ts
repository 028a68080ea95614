import { describe, expect, it } from 'vitest';
import type { SigmaDetectionRule, SigmaFilterRule } from './model.ts';
import { formatLoadError } from './errors.ts';
import { parseSigmaYaml } from './parse.ts';

const rule = `
title: Example
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
date: 2023-04-01
modified: 2024/01/02
tags: [attack.execution, attack.t1059]
level: high
custom_field: kept
related:
  - id: 0e95725d-7320-415d-80f7-004da920fc11
    type: derived
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\cmd.exe'
    CommandLine|contains|all: [' /c ', 'whoami']
    ParentImage: null
  alternatives:
    - User: alice
    - User: bob
  keywords:
    - evil
    - 42
  condition: selection and 1 of alternatives or keywords
`;

describe('parseSigmaYaml', () => {
  const parsed = parseSigmaYaml(rule, 'example.yml');
  const r = parsed.rules[0] as SigmaDetectionRule;

  it('reads the metadata, with YAML dates as ISO dates and unknown keys kept', () => {
    expect(parsed.errors).toEqual([]);
    expect(r).toMatchObject({
      type: 'detection',
      id: '929a690e-bef0-4204-a928-ef5e620d6fcc',
      title: 'Example',
      date: '2023-04-01',
      modified: '2024/01/02',
      tags: ['attack.execution', 'attack.t1059'],
      level: 'high',
      logsource: { product: 'windows', category: 'process_creation' },
      related: [{ id: '0e95725d-7320-415d-80f7-004da920fc11', type: 'derived' }],
      custom: { custom_field: 'kept' },
      location: { file: 'example.yml' },
    });
  });

  it('turns maps into AND items with their modifiers, lists of maps into OR, and plain lists into keywords', () => {
    expect(r.identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [
        { field: 'Image', modifiers: ['endswith'], values: ['\\cmd.exe'] },
        { field: 'CommandLine', modifiers: ['contains', 'all'], values: [' /c ', 'whoami'] },
        { field: 'ParentImage', modifiers: [], values: [null] },
      ],
    });
    expect(r.identifiers.get('alternatives')).toEqual({
      kind: 'or',
      alternatives: [
        { kind: 'and', items: [{ field: 'User', modifiers: [], values: ['alice'] }] },
        { kind: 'and', items: [{ field: 'User', modifiers: [], values: ['bob'] }] },
      ],
    });
    expect(r.identifiers.get('keywords')).toEqual({ kind: 'and', items: [{ field: null, modifiers: [], values: ['evil', 42] }] });
    expect(r.conditions).toEqual(['selection and 1 of alternatives or keywords']);
  });

  it('reads a filter rule with the rules it applies to', () => {
    const f = parseSigmaYaml(
      'title: F\nlogsource: {product: windows}\nfilter:\n  rules: [a, b]\n  selection: {User: x}\n  condition: not selection\n',
    ).rules[0] as SigmaFilterRule;
    expect(f.type).toBe('filter');
    expect(f.rules).toEqual(['a', 'b']);
    expect([...f.identifiers.keys()]).toEqual(['selection']);
    expect(f.conditions).toEqual(['not selection']);
  });

  it('a filter without rules is rejected', () => {
    const { errors } = parseSigmaYaml('title: F\nlogsource: {product: windows}\nfilter:\n  selection: {User: x}\n  condition: not selection\n');
    expect(errors[0].construct).toBe('filter.rules');
  });

  it('numbers keep their YAML type, except unquoted numbers with leading zeros which stay text', () => {
    const { rules } = parseSigmaYaml('title: N\nlogsource: {product: x}\ndetection:\n  sel:\n    a: [4688, 0x17, 1.5, 0042, -07]\n  condition: sel\n');
    const body = (rules[0] as SigmaDetectionRule).identifiers.get('sel');
    expect(body).toEqual({ kind: 'and', items: [{ field: 'a', modifiers: [], values: [4688, 23, 1.5, '0042', '-07'] }] });
  });

  it('empty documents are skipped and each document of a multi-document text is located', () => {
    const { rules, errors } = parseSigmaYaml(`---\n${rule}\n---\n---\ntitle: Bad\n`, 'multi.yml');
    expect(rules).toHaveLength(1);
    expect(rules[0].location).toEqual({ file: 'multi.yml', document: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'multi.yml', document: 2, title: 'Bad', construct: 'detection' });
  });

  it('an error in the first document of a multi-document text says document 1', () => {
    const { errors } = parseSigmaYaml('title: Bad\n---\n' + rule, 'multi.yml');
    expect(formatLoadError(errors[0])).toBe("multi.yml document 1: rule Bad: detection: missing: a rule needs 'detection', 'correlation' or 'filter'");
  });
});
