import { describe, expect, it } from 'vitest';
import type { SigmaDetectionRule, SigmaFilterRule } from '../sigma/model.ts';
import { applyPipelines, mapFieldName, type ApplyResult } from './apply.ts';
import { parsePipeline } from './parse.ts';
import { detectionRule, item } from './test-rules.ts';

function applied<R extends SigmaDetectionRule | SigmaFilterRule>(result: ApplyResult<R>): R {
  if ('notApplicable' in result) throw new Error(`unexpected: ${result.notApplicable}`);
  return result.rule;
}

const processRule = () =>
  detectionRule(
    { product: 'windows', category: 'process_creation' },
    {
      selection: {
        kind: 'and',
        items: [item('Image', ['\\whoami.exe'], ['endswith']), item('CommandLine', ['/priv'], ['contains'])],
      },
      filter: { kind: 'or', alternatives: [{ kind: 'and', items: [item('ParentImage', ['C:\\Windows\\explorer.exe'])] }] },
      keywords: { kind: 'and', items: [item(null, ['mimikatz'])] },
    },
  );

function pipeline(transformations: string, extra = ''): ReturnType<typeof parsePipeline> {
  return parsePipeline(`name: test\n${extra}transformations:\n${transformations}`, 'test.yml');
}

describe('field_name_mapping', () => {
  it('renames mapped fields and leaves the others and keywords alone', () => {
    const p = pipeline('  - type: field_name_mapping\n    mapping: {Image: process.executable, ParentImage: process.parent.executable}\n');
    const rule = applied(applyPipelines(processRule(), [p]));
    expect(rule.identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [item('process.executable', ['\\whoami.exe'], ['endswith']), item('CommandLine', ['/priv'], ['contains'])],
    });
    expect(rule.identifiers.get('filter')).toEqual({
      kind: 'or',
      alternatives: [{ kind: 'and', items: [item('process.parent.executable', ['C:\\Windows\\explorer.exe'])] }],
    });
    expect(rule.identifiers.get('keywords')).toEqual({ kind: 'and', items: [item(null, ['mimikatz'])] });
  });

  it('turns a one-to-many mapping into an OR of the alternatives with the same modifiers and values', () => {
    const p = pipeline('  - type: field_name_mapping\n    mapping: {Image: [Event.EventData.Image, Event.EventData.NewProcessName]}\n');
    const rule = applied(applyPipelines(processRule(), [p]));
    expect(rule.identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [
        {
          kind: 'or',
          alternatives: [
            item('Event.EventData.Image', ['\\whoami.exe'], ['endswith']),
            item('Event.EventData.NewProcessName', ['\\whoami.exe'], ['endswith']),
          ],
        },
        item('CommandLine', ['/priv'], ['contains']),
      ],
    });
  });

  it('never mutates the input rule', () => {
    const input = processRule();
    const before = JSON.stringify([...input.identifiers]);
    const p = pipeline('  - type: field_name_mapping\n    mapping: {Image: a}\n  - type: add_condition\n    conditions: {x: 1}\n');
    applyPipelines(input, [p]);
    expect(JSON.stringify([...input.identifiers])).toBe(before);
    expect(input.addedConditions).toEqual([]);
  });
});

describe('field name prefixes and suffixes', () => {
  it('field_name_prefix only touches fields no earlier transformation mapped (by default)', () => {
    const p = pipeline(
      '  - type: field_name_mapping\n    mapping: {Image: process.executable}\n' +
        '  - type: field_name_prefix\n    prefix: winlog.event_data.\n',
    );
    const rule = applied(applyPipelines(processRule(), [p]));
    expect((rule.identifiers.get('selection') as { items: { field: string }[] }).items.map((i) => i.field)).toEqual([
      'process.executable',
      'winlog.event_data.CommandLine',
    ]);
  });

  it('field_name_prefix with only_unmapped: false and field_name_suffix touch every selected field', () => {
    const p = pipeline(
      '  - type: field_name_mapping\n    mapping: {Image: process.executable}\n' +
        '  - type: field_name_prefix\n    prefix: "x."\n    only_unmapped: false\n' +
        '  - type: field_name_suffix\n    suffix: .keyword\n    field_name_conditions: {exclude: ["*.Command*"]}\n',
    );
    const rule = applied(applyPipelines(processRule(), [p]));
    expect((rule.identifiers.get('selection') as { items: { field: string }[] }).items.map((i) => i.field)).toEqual([
      'x.process.executable.keyword',
      'x.CommandLine',
    ]);
  });

  it('field_name_prefix with a list of prefixes makes the item an or of one item per prefix', () => {
    const p = pipeline('  - type: field_name_mapping\n    mapping: {Image: process.executable}\n' + "  - type: field_name_prefix\n    prefix: [Event.EventData., 'Event.UserData.*.']\n");
    const rule = applied(applyPipelines(processRule(), [p]));
    expect(rule.identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [
        item('process.executable', ['\\whoami.exe'], ['endswith']),
        { kind: 'or', alternatives: [item('Event.EventData.CommandLine', ['/priv'], ['contains']), item('Event.UserData.*.CommandLine', ['/priv'], ['contains'])] },
      ],
    });
    expect(() => pipeline('  - type: field_name_prefix\n    prefix: []\n')).toThrow(/test.yml:\d+:\d+: transformation 1 \(field_name_prefix\): prefix must not be an empty list/);
  });

  it('field_name_prefix_mapping replaces the longest matching prefix', () => {
    const rule = detectionRule({ product: 'aws' }, {
      selection: { kind: 'and', items: [item('requestParameters.userName', ['root']), item('requestParameters.x.y', [1])] },
    });
    const p = pipeline(
      '  - type: field_name_prefix_mapping\n    mapping: {requestParameters.: aws.cloudtrail.request_parameters., requestParameters.x.: short.}\n',
    );
    const out = applied(applyPipelines(rule, [p]));
    expect((out.identifiers.get('selection') as { items: { field: string }[] }).items.map((i) => i.field)).toEqual([
      'aws.cloudtrail.request_parameters.userName',
      'short.y',
    ]);
  });
});

describe('field references', () => {
  const refRule = () =>
    detectionRule({ product: 'windows', category: 'process_creation' }, {
      selection: {
        kind: 'and',
        items: [item('Image', ['ParentImage'], ['fieldref']), item('User', ['ParentUser', 'process.name'], ['fieldref'])],
      },
    });

  it('rename the fields a fieldref names as they rename fields, with field name conditions on the named field', () => {
    const p = pipeline(
      '  - type: field_name_mapping\n    mapping: {Image: process.executable, ParentImage: [process.parent.executable, Event.ParentImage], User: user.name}\n' +
        '  - type: field_name_prefix\n    prefix: winlog.event_data.\n    field_name_conditions: {exclude: ["*.*"]}\n',
    );
    const rule = applied(applyPipelines(refRule(), [p]));
    expect(rule.identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [
        // A one-to-many mapping gives one reference per name, any of which may hold.
        item('process.executable', ['process.parent.executable', 'Event.ParentImage'], ['fieldref']),
        // Renamed by the mapping: not prefixed again (only_unmapped); ParentUser was not mapped, so it is.
        item('user.name', ['winlog.event_data.ParentUser', 'process.name'], ['fieldref']),
      ],
    });
  });

  it('leave the values of other items alone, even when they look like field names', () => {
    const p = pipeline('  - type: field_name_mapping\n    mapping: {ParentImage: process.parent.executable}\n');
    const rule = detectionRule({ product: 'windows' }, { selection: { kind: 'and', items: [item('CommandLine', ['ParentImage'], ['contains'])] } });
    expect(applied(applyPipelines(rule, [p])).identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [item('CommandLine', ['ParentImage'], ['contains'])],
    });
  });
});

describe('drop_detection_item', () => {
  it('removes selected items; an OR branch reduced to nothing makes the whole OR true (empty and)', () => {
    const p = pipeline('  - type: drop_detection_item\n    field_name_conditions: {include: [CommandLine, Parent*]}\n');
    const rule = applied(applyPipelines(processRule(), [p]));
    expect(rule.identifiers.get('selection')).toEqual({ kind: 'and', items: [item('Image', ['\\whoami.exe'], ['endswith'])] });
    expect(rule.identifiers.get('filter')).toEqual({ kind: 'and', items: [] });
  });
});

describe('add_condition and change_logsource', () => {
  it('appends selections to addedConditions and changes the logsource seen by later transformations', () => {
    const p = pipeline(
      '  - type: change_logsource\n    logsource: {service: sysmon}\n    rule_conditions: [{logsource: {category: process_creation}}]\n' +
        '  - type: add_condition\n    conditions: {Channel: Microsoft-Windows-Sysmon/Operational}\n    rule_conditions: [{logsource: {service: sysmon}}]\n',
    );
    const rule = applied(applyPipelines(processRule(), [p]));
    expect(rule.logsource).toEqual({ product: 'windows', category: 'process_creation', service: 'sysmon' });
    expect(rule.addedConditions).toEqual([
      { kind: 'and', items: [item('Channel', ['Microsoft-Windows-Sysmon/Operational'])] },
    ]);
  });
});

describe('rule_conditions', () => {
  const p = pipeline(
    [
      '  - type: field_name_mapping',
      '    mapping: {Image: by-logsource}',
      '    rule_conditions: [{logsource: {product: Windows, category: process_creation}}]',
      '  - type: field_name_mapping',
      '    mapping: {CommandLine: by-tag}',
      '    rule_conditions: [{tag: attack.t1033}]',
      '  - type: field_name_mapping',
      '    mapping: {ParentImage: by-id-or-tag}',
      '    rule_conditions: [{rule_id: no-such-id}, {tag: ATTACK.T1033}]',
      '    rule_conditions_mode: any',
      '',
    ].join('\n'),
  );
  const fields = (r: SigmaDetectionRule) => [
    ...(r.identifiers.get('selection') as { items: { field: string }[] }).items.map((i) => i.field),
    ...((r.identifiers.get('filter') as { alternatives: { items: { field: string }[] }[] }).alternatives[0]!.items.map((i) => i.field)),
  ];

  it('apply a transformation only to rules that satisfy them (logsource case-insensitive, tags, ids)', () => {
    expect(fields(applied(applyPipelines(processRule(), [p])))).toEqual(['by-logsource', 'CommandLine', 'ParentImage']);
    const tagged = detectionRule(processRule().logsource, Object.fromEntries(processRule().identifiers), { tags: ['attack.t1033'] });
    expect(fields(applied(applyPipelines(tagged, [p])))).toEqual(['by-logsource', 'by-tag', 'by-id-or-tag']);
    const linux = detectionRule({ product: 'linux', category: 'process_creation' }, Object.fromEntries(processRule().identifiers));
    expect(fields(applied(applyPipelines(linux, [p])))).toEqual(['Image', 'CommandLine', 'ParentImage']);
  });
});

describe('log-source recognition', () => {
  const windows = parsePipeline(
    [
      'name: windows-test',
      'logsources:',
      '  - logsource: {product: windows, category: process_creation}',
      '    conditions:',
      '      - {winlog.channel: Microsoft-Windows-Sysmon/Operational, winlog.event_id: 1}',
      '      - {winlog.channel: Security, winlog.event_id: 4688}',
      '  - logsource: {product: windows, service: security}',
      '    conditions: {winlog.channel: Security}',
      '',
    ].join('\n'),
  );
  const linux = parsePipeline(
    'name: linux-test\nlogsources:\n  - logsource: {product: linux, category: process_creation}\n    conditions: {event.module: auditd}\n',
  );

  it('adds the OR of the matching entries as one added condition', () => {
    const rule = applied(applyPipelines(processRule(), [windows]));
    expect(rule.addedConditions).toEqual([
      {
        kind: 'or',
        alternatives: [
          { kind: 'and', items: [item('winlog.channel', ['Microsoft-Windows-Sysmon/Operational']), item('winlog.event_id', [1])] },
          { kind: 'and', items: [item('winlog.channel', ['Security']), item('winlog.event_id', [4688])] },
        ],
      },
    ]);
  });

  it('compares case-insensitively and lets a broader rule match every narrower entry', () => {
    const service = detectionRule({ product: 'Windows', service: 'Security' }, { selection: { kind: 'and', items: [item('EventID', [4624])] } });
    expect(applied(applyPipelines(service, [windows])).addedConditions).toEqual([
      { kind: 'and', items: [item('winlog.channel', ['Security'])] },
    ]);
    const productOnly = detectionRule({ product: 'windows' }, { selection: { kind: 'and', items: [item('EventID', [4624])] } });
    const added = applied(applyPipelines(productOnly, [windows])).addedConditions[0];
    expect(added?.kind === 'or' && added.alternatives.length).toBe(3);
  });

  it('reports a rule whose logsource no pipeline recognises as not applicable', () => {
    const rule = detectionRule({ product: 'linux', category: 'process_creation' }, Object.fromEntries(processRule().identifiers));
    expect(applyPipelines(rule, [windows])).toEqual({
      notApplicable: `logsource product=linux category=process_creation is not recognised by pipeline windows-test`,
    });
    expect(applied(applyPipelines(rule, [windows, linux])).addedConditions).toEqual([
      { kind: 'and', items: [item('event.module', ['auditd'])] },
    ]);
    const unknownService = detectionRule({ product: 'windows', service: 'dns-server' }, Object.fromEntries(processRule().identifiers));
    expect(applyPipelines(unknownService, [windows, linux])).toEqual({
      notApplicable: `logsource product=windows service=dns-server is not recognised by pipelines windows-test, linux-test`,
    });
  });

  it('recognises the log source as changed by change_logsource', () => {
    const sysmonOnly = parsePipeline(
      'name: sysmon\nlogsources:\n  - logsource: {product: windows, category: process_creation, service: sysmon}\n    conditions: {winlog.event_id: 1}\n' +
        'transformations:\n  - type: change_logsource\n    logsource: {service: sysmon}\n    rule_conditions: [{logsource: {product: windows}}]\n',
    );
    const rule = applied(applyPipelines(processRule(), [sysmonOnly]));
    expect(rule.logsource.service).toBe('sysmon');
    expect(rule.addedConditions).toEqual([{ kind: 'and', items: [item('winlog.event_id', [1])] }]);
  });

  it('leaves rules applicable without added conditions when no pipeline defines log sources', () => {
    const rule = applied(applyPipelines(processRule(), [pipeline('  - type: field_name_suffix\n    suffix: .x\n')]));
    expect(rule.addedConditions).toEqual([]);
  });
});

describe('pipeline order and placeholders', () => {
  it('applies pipelines by ascending priority and merges placeholders (later priority wins)', () => {
    const late = parsePipeline('name: late\npriority: 50\nplaceholders: {admins: [root]}\ntransformations:\n  - type: field_name_mapping\n    mapping: {a: c}\n');
    const early = parsePipeline('name: early\npriority: 10\nplaceholders: {admins: [alice, bob], hosts: [dc1]}\ntransformations:\n  - type: field_name_mapping\n    mapping: {Image: a}\n');
    const result = applyPipelines(processRule(), [late, early]);
    if ('notApplicable' in result) throw new Error(result.notApplicable);
    expect((result.rule.identifiers.get('selection') as { items: { field: string }[] }).items[0]!.field).toBe('c');
    expect(result.placeholders).toEqual({ admins: ['root'], hosts: ['dc1'] });
    expect(result.appliedTransformations).toEqual(['early#1', 'late#1']);
  });

  it('value_placeholders expands %name% values and drops the expand modifier; unknown names stay for the compiler', () => {
    const rule = detectionRule({ product: 'windows', service: 'security' }, {
      known: { kind: 'and', items: [item('TargetUserName', ['%admins%', 'x-%hosts%-y'], ['expand'])] },
      unknown: { kind: 'and', items: [item('SubjectUserName', ['%other%'], ['expand'])] },
    });
    const p = parsePipeline('name: ph\nplaceholders: {admins: [alice, bob], hosts: [dc1, dc2]}\ntransformations:\n  - type: value_placeholders\n');
    const out = applied(applyPipelines(rule, [p]));
    expect(out.identifiers.get('known')).toEqual({
      kind: 'and',
      items: [item('TargetUserName', ['alice', 'bob', 'x-dc1-y', 'x-dc2-y'])],
    });
    expect(out.identifiers.get('unknown')).toEqual({ kind: 'and', items: [item('SubjectUserName', ['%other%'], ['expand'])] });
  });

  it('value_placeholders with a list of names resolves only those', () => {
    const rule = detectionRule({ product: 'windows' }, {
      selection: { kind: 'and', items: [item('A', ['%admins%'], ['expand']), item('B', ['%hosts%'], ['expand'])] },
    });
    const p = parsePipeline('name: ph\nplaceholders: {admins: [alice], hosts: [dc1]}\ntransformations:\n  - type: value_placeholders\n    placeholders: [hosts]\n');
    expect(applied(applyPipelines(rule, [p])).identifiers.get('selection')).toEqual({
      kind: 'and',
      items: [item('A', ['%admins%'], ['expand']), item('B', ['dc1'])],
    });
  });
});

describe('filter rules', () => {
  it('get field transformations but no added conditions', () => {
    const filter: SigmaFilterRule = {
      ...processRule(),
      type: 'filter',
      rules: ['some-rule'],
    } as unknown as SigmaFilterRule;
    delete (filter as unknown as { addedConditions?: unknown }).addedConditions;
    const p = pipeline('  - type: field_name_mapping\n    mapping: {Image: process.executable}\n  - type: add_condition\n    conditions: {a: 1}\n');
    const out = applied(applyPipelines(filter, [p]));
    expect(out.type).toBe('filter');
    expect((out.identifiers.get('selection') as { items: { field: string }[] }).items[0]!.field).toBe('process.executable');
    expect('addedConditions' in out).toBe(false);
  });
});

describe('mapFieldName', () => {
  const p = pipeline(
    [
      '  - type: field_name_mapping',
      '    mapping: {User: [user.name, winlog.user.name], Image: process.executable}',
      '    rule_conditions: [{logsource: {product: windows}}]',
      '  - type: drop_detection_item',
      '    field_name_conditions: {include: [Hashes]}',
      '  - type: field_name_prefix',
      '    prefix: winlog.event_data.',
      '    rule_conditions: [{logsource: {product: windows}}]',
      '',
    ].join('\n'),
  );
  it('maps a bare field name the way it maps detection items of that logsource', () => {
    expect(mapFieldName('Image', { product: 'windows', category: 'process_creation' }, [p])).toEqual(['process.executable']);
    expect(mapFieldName('User', { product: 'windows' }, [p])).toEqual(['user.name', 'winlog.user.name']);
    expect(mapFieldName('TargetUserName', { product: 'windows', service: 'security' }, [p])).toEqual(['winlog.event_data.TargetUserName']);
    expect(mapFieldName('Image', { product: 'linux' }, [p])).toEqual(['Image']);
    expect(mapFieldName('Hashes', { product: 'windows' }, [p])).toEqual([]);
  });
});
