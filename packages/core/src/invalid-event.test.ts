import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { createEngine, type Engine } from './engine.ts';
import type { SocleEvent } from './event.ts';
import { checkEventDepth, EVENT_TIME_MAX_MS, InvalidEventError, MAX_EVENT_DEPTH, readEventTime } from './invalid-event.ts';

const rules = [
  {
    file: 'whoami.yml',
    text: `
title: Whoami
id: 00000000-0000-4000-8000-000000000001
name: whoami
logsource: {product: windows, category: process_creation}
detection:
  selection:
    CommandLine|contains: whoami
  condition: selection
`,
  },
  {
    file: 'keyword.yml',
    text: `
title: Mimikatz keyword
id: 00000000-0000-4000-8000-000000000002
logsource: {product: windows}
detection:
  keywords: ['sekurlsa::']
  condition: keywords
`,
  },
  {
    file: 'many-whoami.yml',
    text: `
title: Whoami twice by one user
id: 00000000-0000-4000-8000-000000000003
correlation:
  type: event_count
  rules: whoami
  group-by: [user.name]
  timespan: 5m
  generate: true
  condition:
    gte: 2
`,
  },
];

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const whoami = (s: number, user = 'alice'): SocleEvent => ({ '@timestamp': at(s), CommandLine: 'whoami /all', user: { name: user } });

function newEngine(): Engine {
  const engine = createEngine({ rules, correlation: { allowedLatenessMs: 0 }, now: () => T0 });
  expect(engine.rejected).toEqual([]);
  return engine;
}

function nested(depth: number, leaf: unknown = 'whoami'): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** What `process` threw, or undefined. */
function thrown(engine: Engine, event: unknown): unknown {
  try {
    engine.process(event as SocleEvent);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('readEventTime', () => {
  it('reads ISO texts and epoch milliseconds in 1970..9999 and says why anything else is no time', () => {
    expect(readEventTime('2026-03-01T10:00:00.000Z')).toBe(T0);
    expect(readEventTime(T0)).toBe(T0);
    expect(readEventTime(0)).toBe(0);
    expect(readEventTime('9999-12-31T23:59:59.999Z')).toBe(EVENT_TIME_MAX_MS);
    expect(readEventTime(undefined)).toBe('absent');
    expect(readEventTime(null)).toBe('absent');
    expect(readEventTime('yesterday')).toBe('unreadable');
    expect(readEventTime({})).toBe('unreadable');
    expect(readEventTime(1e20)).toBe('out-of-range');
    expect(readEventTime(-1)).toBe('out-of-range');
    expect(readEventTime(Infinity)).toBe('out-of-range');
    expect(readEventTime('+275760-09-13T00:00:00.000Z')).toBe('out-of-range');
    expect(readEventTime('1969-12-31T23:59:59.999Z')).toBe('out-of-range');
  });
});

describe('checkEventDepth', () => {
  it(`lets events of ${MAX_EVENT_DEPTH} levels through and names the top-level field of a deeper one`, () => {
    expect(() => checkEventDepth({ a: nested(MAX_EVENT_DEPTH - 1) })).not.toThrow();
    expect(() => checkEventDepth({ ok: 1, a: nested(MAX_EVENT_DEPTH) })).toThrow(expect.objectContaining({ reason: 'too-deep', field: 'a' }));
    expect(() => checkEventDepth({ a: nested(30_000) })).toThrow(InvalidEventError);
  });
});

describe('an event the engine cannot evaluate', () => {
  it('an absurd time throws InvalidEventError before any state changes; later events give the alerts they would have', () => {
    const bad: SocleEvent = { ...whoami(30), '@timestamp': 1e20 };
    const clean = newEngine();
    const withBad = newEngine();
    const expected = [whoami(0), whoami(60)].flatMap((e) => clean.process(e));
    const got = [...withBad.process(whoami(0))];
    const error = thrown(withBad, bad);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ reason: 'time-out-of-range', field: '@timestamp' });
    expect((error as Error).message).toContain('100000000000000000000');
    got.push(...withBad.process(whoami(60)));
    expect(got).toEqual(expected);
    // the correlation counted two events, not three: the bad one left no trace
    expect(got.filter((a) => a.rule.category === 'correlation')).toHaveLength(1);
    expect(withBad.flush()).toEqual(clean.flush());
    expect(withBad.stats()).toMatchObject({ events: 2, invalidEvents: 1 });
  });

  it('a 30,000-deep array throws InvalidEventError, not a stack overflow, wherever it sits', () => {
    const engine = newEngine();
    for (const event of [
      { ...whoami(0), CommandLine: nested(30_000) },
      { ...whoami(0), other: nested(30_000, 'sekurlsa::') },
      { ...whoami(0), other: nested(30_000, {}) },
      { ...whoami(0), user: { name: nested(30_000) } },
    ]) {
      expect(thrown(engine, event)).toMatchObject({ name: 'InvalidEventError', reason: 'too-deep' });
    }
    expect(engine.process(whoami(1)).map((a) => a.rule.id)).toEqual(['00000000-0000-4000-8000-000000000001']);
  });

  it('a value that is not an object is refused with its kind', () => {
    const engine = newEngine();
    for (const [value, kind] of [[null, 'null'], [[], 'an array'], ['text', 'string'], [42, 'number']] as const) {
      const error = thrown(engine, value);
      expect(error).toMatchObject({ reason: 'not-an-object' });
      expect((error as Error).message).toContain(kind);
    }
  });
});

/** Events that must throw InvalidEventError, or, for too-deep ones that no rule reads, may pass without alerts. */
const badEvent = fc.oneof(
  fc.record({ s: fc.integer({ min: 0, max: 600 }), time: fc.oneof(fc.constant(1e20), fc.constant(-1), fc.constant(8.64e15), fc.constant('+275760-09-13T00:00:00.000Z'), fc.constant('1900-01-01T00:00:00.000Z')) })
    .map(({ s, time }) => ({ ...whoami(s), '@timestamp': time }) as unknown),
  fc.record({ s: fc.integer({ min: 0, max: 600 }), depth: fc.integer({ min: MAX_EVENT_DEPTH, max: 5000 }), where: fc.constantFrom('CommandLine', 'user', 'extra', 'process'), leaf: fc.constantFrom<unknown>('whoami', 'sekurlsa::x', {}, 1) })
    .map(({ s, depth, where, leaf }) => ({ ...whoami(s), [where]: nested(depth, leaf) }) as unknown),
  fc.constantFrom<unknown>(null, [], 'whoami', 7, true),
);

/** Events of every odd shape that are still events: they must never throw. */
const oddEvent = fc.oneof(
  fc.record({ s: fc.integer({ min: 0, max: 600 }), user: fc.constantFrom('alice', 'bob'), line: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant('whoami'), fc.constant('x'.repeat(20_000) + 'whoami')) })
    .map(({ s, user, line }): unknown => ({ ...whoami(s, user), CommandLine: line })),
  fc.record({ s: fc.integer({ min: 0, max: 600 }), extra: fc.jsonValue({ maxDepth: 8 }) }).map(({ s, extra }): unknown => ({ ...whoami(s), extra })),
  fc.record({ time: fc.oneof(fc.constant('not a time'), fc.constant(true), fc.constant({})) }).map(({ time }): unknown => ({ CommandLine: 'whoami', '@timestamp': time })),
  fc.record({ depth: fc.integer({ min: 1, max: MAX_EVENT_DEPTH - 1 }) }).map(({ depth }): unknown => ({ ...whoami(1), CommandLine: nested(depth) })),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })).map((d): unknown => ({ ...d, '@timestamp': at(0) })),
);

describe('hostile events mixed with good ones (property)', () => {
  it('every bad event is refused with InvalidEventError, nothing else throws, and the rest give exactly their own alerts', () => {
    const stream = fc.array(
      fc.oneof({ arbitrary: badEvent.map((event) => ({ bad: true, event })), weight: 1 }, { arbitrary: oddEvent.map((event) => ({ bad: false, event })), weight: 1 }, {
        arbitrary: fc.record({ s: fc.integer({ min: 0, max: 600 }), user: fc.constantFrom('alice', 'bob') }).map(({ s, user }) => ({ bad: false, event: whoami(s, user) as unknown })),
        weight: 2,
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(stream, (records) => {
        const mixed = newEngine();
        const reference = newEngine();
        const got: Alert[] = [];
        const expected: Alert[] = [];
        records.forEach(({ bad, event }, i) => {
          const ref = { id: `offset-${i}` };
          if (!bad) {
            got.push(...mixed.process(event as SocleEvent, ref));
            expected.push(...reference.process(event as SocleEvent, ref));
            return;
          }
          try {
            // a too-deep event that no rule matches and no walk reaches may pass, and then yields nothing
            expect(mixed.process(event as SocleEvent, ref)).toEqual([]);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidEventError);
          }
        });
        got.push(...mixed.flush());
        expected.push(...reference.flush());
        expect(got).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
