import { describe, expect, it } from 'vitest';
import { createEngine, type TextSource } from './engine.ts';
import type { SocleEvent } from './event.ts';
import { formatLoadError } from './sigma/errors.ts';

const WHOAMI_ID = '6f3e2987-db24-4c78-a860-b4f4095a7095';
const RAR_ID = 'df0841c0-9846-4e9f-ad8a-7df91571771b';

const whoami = `
title: Whoami execution
id: ${WHOAMI_ID}
name: whoami_execution
level: medium
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

const rar = `
title: Data compressed with rar
id: ${RAR_ID}
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\rar.exe'
    CommandLine|contains: ' a '
  condition: selection
`;

function ruleIds(rules: TextSource[], event: SocleEvent, placeholders?: Record<string, string[]>): string[] {
  const engine = createEngine({ rules, placeholders });
  expect(engine.rejected.map(formatLoadError)).toEqual([]);
  return engine.process(event).map((a) => a.rule.id);
}

const adminWhoami = { Image: 'C:\\Windows\\System32\\whoami.exe', User: 'adm_alice', CommandLine: 'whoami' };
const userWhoami = { ...adminWhoami, User: 'bob' };
const adminRar = { Image: 'C:\\tools\\rar.exe', User: 'adm_alice', CommandLine: 'rar a out.rar secrets' };

describe('detection alerts', () => {
  it('an alert names the rule that fired', () => {
    const engine = createEngine({ rules: [{ text: whoami, file: 'whoami.yml' }] });
    const alerts = engine.process(userWhoami);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].rule.id).toBe(WHOAMI_ID);
    expect(engine.process({ Image: 'C:\\Windows\\System32\\hostname.exe' })).toEqual([]);
  });

  it('several documents in one text and several texts all load, each rule firing on its own events', () => {
    const engine = createEngine({ rules: [{ text: `${whoami}\n---\n${rar}`, file: 'both.yml' }] });
    expect(engine.loaded.map((r) => r.id)).toEqual([WHOAMI_ID, RAR_ID]);
    expect(engine.process(adminRar).map((a) => a.rule.id)).toEqual([RAR_ID]);
  });
});

describe('scan memo', () => {
  it('gives the same alerts with it (default) and without it (scanMemoChars: 0)', () => {
    const events: SocleEvent[] = ['C:\\x\\whoami.exe', 'C:\\x\\whoamx.exe', 'C:\\x\\rar.exe', 'C:\\x\\whoami.exe'].flatMap((Image) => [
      { Image, CommandLine: `${Image} a b` },
      { Image, CommandLine: `${Image} ab` },
    ]);
    const alerts = (scanMemoChars?: number) => {
      const engine = createEngine({ rules: [{ text: whoami }, { text: rar }], scanMemoChars });
      return events.map((e) => engine.process(structuredClone(e)).map((a) => a.rule.name));
    };
    expect(alerts()).toEqual([['Whoami execution'], ['Whoami execution'], [], [], ['Data compressed with rar'], [], ['Whoami execution'], ['Whoami execution']]);
    expect(alerts(0)).toEqual(alerts());
  });

  it('rejects a budget that is not a whole number of characters, naming the option', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => createEngine({ rules: [{ text: whoami }], scanMemoChars: bad })).toThrow(/scanMemoChars must be a whole number/);
    }
  });
});

describe('Sigma filter rules (v2)', () => {
  const filter = (rules: string, condition = 'not selection', logsource = 'category: process_creation\n  product: windows') => `
title: Filter administrator accounts
description: The administrator accounts start with adm_
logsource:
  ${logsource}
filter:
  rules:
${rules}
  selection:
    User|startswith: 'adm_'
  condition: ${condition}
`;

  it("AND the filter's condition onto the referenced rules (referenced by id)", () => {
    const rules = [{ text: whoami }, { text: rar }, { text: filter(`    - ${WHOAMI_ID}`) }];
    expect(ruleIds(rules, adminWhoami)).toEqual([]);
    expect(ruleIds(rules, userWhoami)).toEqual([WHOAMI_ID]);
    expect(ruleIds(rules, adminRar)).toEqual([RAR_ID]);
  });

  it('may reference rules by name', () => {
    const rules = [{ text: whoami }, { text: filter('    - whoami_execution') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([]);
    expect(ruleIds(rules, userWhoami)).toEqual([WHOAMI_ID]);
  });

  it('may reference several rules, and rules loaded after the filter', () => {
    const rules = [{ text: filter(`    - ${WHOAMI_ID}\n    - ${RAR_ID}`) }, { text: whoami }, { text: rar }];
    expect(ruleIds(rules, adminWhoami)).toEqual([]);
    expect(ruleIds(rules, adminRar)).toEqual([]);
    expect(ruleIds(rules, { ...adminRar, User: 'bob' })).toEqual([RAR_ID]);
  });

  it('the condition is taken as written: a positive filter condition restricts the rule to what it selects', () => {
    // pySigma rewrites the rule's condition to `(rule condition) and (filter condition)`.
    const rules = [{ text: whoami }, { text: filter(`    - ${WHOAMI_ID}`, 'selection') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([WHOAMI_ID]);
    expect(ruleIds(rules, userWhoami)).toEqual([]);
  });

  it("the filter's own identifiers do not clash with the rule's: `selection` means the filter's selection", () => {
    const rules = [{ text: whoami }, { text: filter(`    - ${WHOAMI_ID}`, 'not 1 of them') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([]);
    expect(ruleIds(rules, userWhoami)).toEqual([WHOAMI_ID]);
  });

  it('does not apply when its log source does not cover the rule', () => {
    const rules = [{ text: whoami }, { text: filter(`    - ${WHOAMI_ID}`, 'not selection', 'category: network_connection\n  product: windows') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([WHOAMI_ID]);
  });

  it('a filter with a broader log source (product only) applies', () => {
    const rules = [{ text: whoami }, { text: filter(`    - ${WHOAMI_ID}`, 'not selection', 'product: windows') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([]);
  });

  it('a filter naming an unknown rule changes nothing', () => {
    const rules = [{ text: whoami }, { text: filter('    - 00000000-0000-0000-0000-000000000000') }];
    expect(ruleIds(rules, adminWhoami)).toEqual([WHOAMI_ID]);
  });

  it('several filters on one rule all apply', () => {
    const second = filter(`    - ${WHOAMI_ID}`).replace("User|startswith: 'adm_'", "CommandLine|contains: '/all'");
    const rules = [{ text: whoami }, { text: filter(`    - ${WHOAMI_ID}`) }, { text: second }];
    expect(ruleIds(rules, userWhoami)).toEqual([WHOAMI_ID]);
    expect(ruleIds(rules, { ...userWhoami, CommandLine: 'whoami /all' })).toEqual([]);
  });
});

describe('loading reports every rejected rule and keeps the others', () => {
  it('names file, document, rule and construct', () => {
    const bad = `
title: Broken
id: 11111111-2222-3333-4444-555555555555
logsource: {product: windows}
detection:
  selection:
    Image|endswith: x
  condition: selection and filter
`;
    const engine = createEngine({ rules: [{ text: `${whoami}\n---\n${bad}`, file: 'mixed.yml' }] });
    expect(engine.loaded.map((r) => r.id)).toEqual([WHOAMI_ID]);
    expect(engine.rejected).toHaveLength(1);
    const e = engine.rejected[0];
    expect(e).toMatchObject({ file: 'mixed.yml', document: 1, id: '11111111-2222-3333-4444-555555555555', construct: 'detection.condition' });
    expect(formatLoadError(e)).toMatch(/^mixed\.yml document 2: rule 11111111-2222-3333-4444-555555555555: detection\.condition: condition references 'filter'/);
  });

  it('a YAML syntax error names the line', () => {
    const engine = createEngine({ rules: [{ text: 'title: x\ndetection:\n  sel: [a, b\n  condition: sel\n', file: 'broken.yml' }] });
    expect(engine.loaded).toHaveLength(0);
    expect(engine.rejected[0].file).toBe('broken.yml');
    expect(engine.rejected[0].construct).toMatch(/^line \d+, column \d+$/);
    expect(engine.rejected[0].reason).toMatch(/YAML syntax error/);
  });

  it.each([
    ['title: x\nlogsource: {product: a}\n', 'detection', /missing/],
    ['logsource: {product: a}\ndetection: {sel: {a: 1}, condition: sel}\n', 'title', /missing/],
    ['title: x\ndetection: {sel: {a: 1}, condition: sel}\n', 'logsource', /missing/],
    ['title: x\nlogsource: {product: a}\ndetection: {sel: {a: 1}}\n', 'detection.condition', /missing/],
    ['title: x\nlogsource: {product: a}\ndetection: {sel: {a: 1}, condition: sel, timeframe: 5m}\n', 'detection.timeframe', /Sigma v1/],
    ['title: x\naction: global\nlogsource: {product: a}\n', 'action', /Sigma v1/],
    ['title: x\nlogsource: {product: a}\ndetection: {sel: {}, condition: sel}\n', 'detection.sel', /empty map/],
    ['title: x\nlogsource: {product: a}\ndetection: {sel: {a: []}, condition: sel}\n', 'detection.sel.a', /empty value list/],
    ['title: x\nlogsource: {product: a}\ndetection: {sel: {a: {b: 1}}, condition: sel}\n', 'detection.sel.a', /not a map|values must be/],
  ])('%j is rejected at %s', (text, construct, reason) => {
    const engine = createEngine({ rules: [{ text, file: 'r.yml' }] });
    expect(engine.loaded).toHaveLength(0);
    expect(engine.rejected).toHaveLength(1);
    expect(engine.rejected[0].construct).toBe(construct);
    expect(engine.rejected[0].reason).toMatch(reason);
  });
});

describe('placeholders', () => {
  const rule = `
title: Logon from a workstation
id: 22222222-3333-4444-5555-666666666666
logsource: {product: windows, service: security}
detection:
  selection:
    EventID: 4624
    WorkstationName|expand: '%Workstations%'
  condition: selection
`;
  it('take their values from the engine options', () => {
    expect(ruleIds([{ text: rule }], { EventID: 4624, WorkstationName: 'WS-042' }, { Workstations: ['WS-*'] })).toHaveLength(1);
    expect(ruleIds([{ text: rule }], { EventID: 4624, WorkstationName: 'SRV-01' }, { Workstations: ['WS-*'] })).toHaveLength(0);
  });
  it('a rule whose placeholder has no values is rejected, naming the placeholder', () => {
    const engine = createEngine({ rules: [{ text: rule, file: 'p.yml' }] });
    expect(engine.loaded).toHaveLength(0);
    expect(engine.rejected[0].construct).toBe('detection.selection.WorkstationName|expand');
    expect(engine.rejected[0].reason).toMatch(/%Workstations%/);
  });
});
