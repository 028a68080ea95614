import { createEngine } from '@socle/core';
import { describe, expect, it } from 'vitest';
import { PartitionEngines } from './partition-engines.ts';
import { formatPartitionRef, nextOffset, parsePartitionRef } from './partition-ref.ts';

const RULES = `title: Failed login
id: 11111111-0000-4000-8000-000000000001
name: failed
logsource: {category: authentication}
detection:
  selection: {event.action: login_failed}
  condition: selection
level: low
---
title: Three failures
id: 11111111-0000-4000-8000-000000000002
correlation:
  type: event_count
  rules: [failed]
  group-by: [user.name]
  timespan: 1m
  condition: {gte: 3}
level: high
`;

const failed = (user: string, second: number) => ({ '@timestamp': `2026-03-14T10:00:${String(second).padStart(2, '0')}Z`, event: { action: 'login_failed' }, user: { name: user } });

describe('partition refs', () => {
  it('round-trips topic/partition/offset, also for topics with dots and 64-bit offsets', () => {
    const ref = formatPartitionRef({ topic: 'socle.events.auth', partition: 3, offset: '9007199254740993' });
    expect(ref).toBe('socle.events.auth/3/9007199254740993');
    expect(parsePartitionRef(ref)).toEqual({ topic: 'socle.events.auth', partition: 3, offset: '9007199254740993' });
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
    expect(() => parsePartitionRef('line-12')).toThrow(/line-12.*topic\/partition\/offset/);
  });
});

describe('one engine per partition', () => {
  it('keeps correlation state per partition and continues it after a snapshot is restored elsewhere', () => {
    const engines = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    engines.open('t', 0);
    engines.open('t', 1);
    expect(engines.process(failed('alice', 1), { id: 't/0/0' })).toEqual([]);
    expect(engines.process(failed('alice', 2), { id: 't/0/1' })).toEqual([]);
    // The same user on another partition does not add to partition 0's count.
    expect(engines.process(failed('alice', 3), { id: 't/1/0' })).toEqual([]);
    expect(engines.stateKeys()).toBe(2);

    // Partition 0 moves to another worker with its snapshot: the third failure completes the correlation there.
    const moved = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    moved.open('t', 0, engines.get('t', 0)?.snapshot());
    const alerts = moved.process(failed('alice', 4), { id: 't/0/2' });
    expect(alerts.map((a) => a.rule.name)).toEqual(['Three failures']);

    // An uninterrupted engine gives the same alert id.
    const single = createEngine({ rules: [{ text: RULES }] });
    single.process(failed('alice', 1), { id: 't/0/0' });
    single.process(failed('alice', 2), { id: 't/0/1' });
    expect(single.process(failed('alice', 4), { id: 't/0/2' }).map((a) => a.event.id)).toEqual(alerts.map((a) => a.event.id));
  });

  it('refuses an event of a partition it has no engine for, naming the ref', () => {
    const engines = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    expect(() => engines.process(failed('bob', 1), { id: 't/7/0' })).toThrow(/t\/7.*t\/7\/0/);
    engines.open('t', 7);
    engines.closeAll();
    expect(() => engines.process(failed('bob', 1), { id: 't/7/0' })).toThrow(/no engine is open/);
  });
});

const NEW_RULE = `
---
title: Admin login
id: 11111111-0000-4000-8000-000000000003
logsource: {category: authentication}
detection:
  selection: {event.action: login_failed, user.name: admin}
  condition: selection
level: medium
`;
const ids = (alerts: { rule: { name?: string } }[]) => alerts.map((a) => a.rule.name).sort();

describe('hot reload over the partition engines', () => {
  it('swaps every partition to the new rule set, keeping the windows of unchanged rules', () => {
    const engines = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    engines.open('t', 0);
    engines.open('t', 1);
    engines.process(failed('alice', 1), { id: 't/0/0' });
    engines.process(failed('alice', 2), { id: 't/0/1' });
    engines.process(failed('admin', 3), { id: 't/1/0' });
    const old = engines.get('t', 0);

    const build = () => createEngine({ rules: [{ text: RULES + NEW_RULE }] });
    const carried = engines.replace(build());
    expect(carried.kept).toEqual(['11111111-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000002']);
    expect(carried.added).toEqual(['11111111-0000-4000-8000-000000000003']);
    expect(engines.get('t', 0)).not.toBe(old);
    expect(engines.current.loaded).toHaveLength(3);

    // Partition 0 continues alice's window; partition 1 runs the added rule and still counts admin's first failure.
    expect(ids(engines.process(failed('alice', 4), { id: 't/0/2' }))).toEqual(['Three failures']);
    expect(ids(engines.process(failed('admin', 5), { id: 't/1/1' }))).toEqual(['Admin login']);
    expect(ids(engines.process(failed('admin', 6), { id: 't/1/2' }))).toEqual(['Admin login', 'Three failures']);

    // A partition assigned after the reload gets an engine of the new set.
    engines.open('t', 2);
    expect(ids(engines.process(failed('admin', 7), { id: 't/2/0' }))).toEqual(['Admin login']);
  });

  it('resets the windows of a changed correlation rule', () => {
    const engines = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    engines.open('t', 0);
    engines.process(failed('alice', 1), { id: 't/0/0' });
    engines.process(failed('alice', 2), { id: 't/0/1' });
    const stricter = () => createEngine({ rules: [{ text: RULES.replace('timespan: 1m', 'timespan: 2m') }] });
    const carried = engines.replace(stricter());
    expect(carried.reset).toEqual(['11111111-0000-4000-8000-000000000002']);
    expect(ids(engines.process(failed('alice', 3), { id: 't/0/2' }))).toEqual([]);
  });

  it('continues a checkpoint written before a rule change for the rules that did not change', () => {
    const before = new PartitionEngines(createEngine({ rules: [{ text: RULES }] }));
    before.open('t', 0);
    before.process(failed('alice', 1), { id: 't/0/0' });
    before.process(failed('alice', 2), { id: 't/0/1' });
    const checkpoint = before.get('t', 0)?.snapshot();

    const after = new PartitionEngines(createEngine({ rules: [{ text: RULES + NEW_RULE }] }));
    after.open('t', 0, checkpoint);
    expect(ids(after.process(failed('alice', 3), { id: 't/0/2' }))).toEqual(['Three failures']);
  });
});
