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
    const engines = new PartitionEngines(() => createEngine({ rules: [{ text: RULES }] }));
    engines.open('t', 0);
    engines.open('t', 1);
    expect(engines.process(failed('alice', 1), { id: 't/0/0' })).toEqual([]);
    expect(engines.process(failed('alice', 2), { id: 't/0/1' })).toEqual([]);
    // The same user on another partition does not add to partition 0's count.
    expect(engines.process(failed('alice', 3), { id: 't/1/0' })).toEqual([]);
    expect(engines.stateKeys()).toBe(2);

    // Partition 0 moves to another worker with its snapshot: the third failure completes the correlation there.
    const moved = new PartitionEngines(() => createEngine({ rules: [{ text: RULES }] }));
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
    const engines = new PartitionEngines(() => createEngine({ rules: [{ text: RULES }] }));
    expect(() => engines.process(failed('bob', 1), { id: 't/7/0' })).toThrow(/t\/7.*t\/7\/0/);
    engines.open('t', 7);
    engines.closeAll();
    expect(() => engines.process(failed('bob', 1), { id: 't/7/0' })).toThrow(/no engine is open/);
  });
});
