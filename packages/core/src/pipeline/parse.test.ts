import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { PipelineError } from './yaml-reader.ts';

function errorOf(text: string, file = 'p.yml'): PipelineError {
  try {
    parsePipeline(text, file);
  } catch (e) {
    if (e instanceof PipelineError) return e;
    throw e;
  }
  throw new Error('expected a PipelineError');
}

describe('parsePipeline', () => {
  it('reads name, priority, placeholders, log sources and transformations', () => {
    const p = parsePipeline(
      [
        'name: demo',
        'priority: 20',
        'placeholders:',
        '  admins: [alice, bob]',
        'logsources:',
        '  - logsource: {product: windows, category: process_creation}',
        '    conditions:',
        '      - {winlog.channel: Security, winlog.event_id: 4688}',
        '      - {winlog.event_id: [1, 2]}',
        'transformations:',
        '  - type: field_name_mapping',
        '    id: ecs',
        '    mapping: {Image: process.executable, User: [user.name, winlog.user.name]}',
        '    rule_conditions: [{logsource: {product: windows}}, {tag: attack.execution}]',
        '    rule_conditions_mode: any',
      ].join('\n'),
      'demo.yml',
    );
    expect(p.name).toBe('demo');
    expect(p.priority).toBe(20);
    expect(p.file).toBe('demo.yml');
    expect(p.placeholders).toEqual({ admins: ['alice', 'bob'] });
    expect(p.logsources[0]!.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(p.logsources[0]!.conditions).toEqual({
      kind: 'or',
      alternatives: [
        {
          kind: 'and',
          items: [
            { field: 'winlog.channel', modifiers: [], values: ['Security'] },
            { field: 'winlog.event_id', modifiers: [], values: [4688] },
          ],
        },
        { kind: 'and', items: [{ field: 'winlog.event_id', modifiers: [], values: [1, 2] }] },
      ],
    });
    const t = p.transformations[0]!;
    expect(t.type).toBe('field_name_mapping');
    expect(t.id).toBe('ecs');
    expect(t.ruleConditionsMode).toBe('any');
    expect(t.ruleConditions).toEqual([
      { kind: 'logsource', logsource: { product: 'windows' } },
      { kind: 'tag', tag: 'attack.execution' },
    ]);
    if (t.type !== 'field_name_mapping') throw new Error('wrong type');
    expect(t.mapping.get('User')).toEqual(['user.name', 'winlog.user.name']);
  });

  it('parses modifiers in condition keys', () => {
    const p = parsePipeline('name: x\nlogsources:\n  - logsource: {product: linux}\n    conditions: {event.dataset|startswith: auditd}\n');
    expect(p.logsources[0]!.conditions).toEqual({
      kind: 'and',
      items: [{ field: 'event.dataset', modifiers: ['startswith'], values: ['auditd'] }],
    });
  });

  it('names file, line and column of an unknown transformation type', () => {
    const e = errorOf(
      ['name: w', 'transformations:', '  - type: field_name_prefix', '    prefix: a.', '  - type: field_mapping', '    mapping: {}'].join('\n'),
      'windows-ecs.yml',
    );
    expect(e.message).toMatch(/^windows-ecs\.yml:5:11: transformation 2: unknown type 'field_mapping' \(expected one of field_name_mapping, /);
    expect([e.line, e.column]).toEqual([5, 11]);
  });

  it('rejects unknown keys with the allowed ones', () => {
    expect(errorOf('name: x\npriorty: 3\n').message).toBe(
      "p.yml:2:1: pipeline: unknown key 'priorty' (expected one of name, priority, description, placeholders, logsources, transformations)",
    );
    expect(errorOf('name: x\ntransformations:\n  - type: field_name_prefix\n    prefix: a.\n    mapping: {}\n').message).toMatch(
      /^p\.yml:5:5: transformation 1 \(field_name_prefix\): unknown key 'mapping'/,
    );
  });

  it('rejects bad shapes with positions', () => {
    expect(errorOf('priority: 1\n').message).toBe("p.yml:1:1: pipeline: missing 'name'");
    expect(errorOf('name: x\npriority: high\n').message).toBe("p.yml:2:11: priority must be a number, got string 'high'");
    expect(errorOf('name: x\ntransformations:\n  - type: field_name_prefix\n').message).toBe(
      "p.yml:3:5: transformation 1 (field_name_prefix): missing 'prefix'",
    );
    expect(errorOf('name: x\nlogsources:\n  - logsource: {os: windows}\n    conditions: {a: 1}\n').message).toMatch(
      /^p\.yml:3:17: logsource entry 1: logsource: unknown key 'os'/,
    );
    expect(errorOf('name: x\nlogsources:\n  - logsource: {product: windows}\n    conditions: [{a: {b: 1}}]\n').message).toBe(
      'p.yml:4:22: logsource entry 1: conditions[1]: a must be a scalar value, got a map',
    );
    expect(errorOf('name: x\ntransformations:\n  - type: drop_detection_item\n').message).toMatch(/needs 'field_name_conditions'/);
    expect(errorOf('name: x\ntransformations:\n  - type: add_condition\n    conditions: {a: 1}\n    rule_conditions: [{tag: a, rule_id: b}]\n').message).toBe(
      'p.yml:5:23: transformation 1 (add_condition): rule condition 1 must have exactly one of logsource, tag, rule_id',
    );
  });

  it('rejects duplicate keys and several documents', () => {
    expect(errorOf('name: a\nname: b\n').message).toBe('p.yml:2:1: invalid YAML: Map keys must be unique');
    expect(errorOf('name: a\n---\nname: b\n').message).toBe('p.yml:2:1: a pipeline file holds exactly one YAML document');
  });

  it('reports YAML syntax errors with positions', () => {
    const e = errorOf('name: x\ntransformations: [\n');
    expect(e.message).toMatch(/^p\.yml:\d+:\d+: invalid YAML: /);
  });
});
