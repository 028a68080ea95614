import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.ts';
import { thresholdHolds, type Threshold } from './threshold.ts';
import { CorrelationEngine } from './engine.ts';
import { Harness, compileAll, correlationRule, getField } from './test-helpers.ts';

interface Ev {
  time: number;
  id: string;
  key: string;
  user: string;
}

interface Finding {
  key: string;
  start: number;
  end: number;
  value: number;
  ids: string[];
}

const byTimeThenId = (a: Ev, b: Ev) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const order = (fs: Finding[]) => [...fs].sort((a, b) => a.end - b.end || a.key.localeCompare(b.key) || a.start - b.start);

/** Brute force, straight from the definition: recount every group's window from its full history. */
function referenceSliding(events: Ev[], type: 'event_count' | 'value_count', spanMs: number, threshold: Threshold): Finding[] {
  const sorted = [...events].sort(byTimeThenId);
  const usedUntil = new Map<string, number>(); // group -> time-order index of the event of its last alert
  const out: Finding[] = [];
  sorted.forEach((e, i) => {
    const window = sorted.filter((o, j) => j <= i && o.key === e.key && j > (usedUntil.get(e.key) ?? -1) && o.time >= e.time - spanMs);
    const value = type === 'event_count' ? window.length : new Set(window.map((w) => w.user)).size;
    if (thresholdHolds(threshold, value)) {
      out.push({ key: JSON.stringify([e.key]), start: window[0]!.time, end: e.time, value, ids: window.map((w) => w.id) });
      usedUntil.set(e.key, i);
    }
  });
  return out;
}

/** Brute force for closing windows: a window opens at a group's first event and is judged at its end. */
function referenceClosing(events: Ev[], spanMs: number, threshold: Threshold): Finding[] {
  const sorted = [...events].sort(byTimeThenId);
  const out: Finding[] = [];
  for (const key of new Set(sorted.map((e) => e.key))) {
    let window: Ev[] = [];
    const close = () => {
      if (window.length > 0 && thresholdHolds(threshold, window.length)) {
        out.push({ key: JSON.stringify([key]), start: window[0]!.time, end: window[0]!.time + spanMs, value: window.length, ids: window.map((w) => w.id) });
      }
    };
    for (const e of sorted.filter((s) => s.key === key)) {
      if (window.length > 0 && e.time > window[0]!.time + spanMs) {
        close();
        window = [];
      }
      window.push(e);
    }
    close();
  }
  return out;
}

const findings = (alerts: Alert[]): Finding[] =>
  alerts.map((a) => {
    const c = a.socle.correlation!;
    return { key: JSON.stringify(Object.values(c.group)), start: Date.parse(c.window.start), end: Date.parse(c.window.end), value: c.value, ids: c.events.ids };
  });

const eventsArb = fc
  .array(fc.record({ time: fc.integer({ min: 0, max: 120 }), key: fc.constantFrom('a', 'b', 'c'), user: fc.constantFrom('u1', 'u2', 'u3', 'u4') }), { maxLength: 60 })
  .map((es) => es.map((e, i) => ({ ...e, time: Date.UTC(2026, 0, 1) + e.time * 1000, id: `e${String(i).padStart(3, '0')}` })));

/** Arrival order for a stream with lateness L: each event is delayed by up to L (so none is late), ties broken at random. */
const arrivalArb = (events: Ev[], lateness: number) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constant(0), fc.constant(lateness), fc.integer({ min: 0, max: lateness }).map((d) => d - (d % 500))), fc.integer()), { minLength: events.length, maxLength: events.length })
    .map((delays) =>
      events
        .map((e, i) => ({ e, arrives: e.time + delays[i]![0], tie: delays[i]![1] }))
        // with no lateness allowed, equal timestamps are processed in arrival order, so keep them in id order
        .sort((a, b) => a.arrives - b.arrives || (lateness === 0 ? byTimeThenId(a.e, b.e) : a.tie - b.tie))
        .map((x) => x.e),
    );

function runEngine(correlation: Record<string, unknown>, arrival: Ev[], lateness: number): Alert[] {
  const rules = compileAll([correlationRule({ id: 'p' }, correlation)], [{ id: 'base' }]);
  const h = new Harness(rules, { allowedLatenessMs: lateness, maxMemberEvents: 1000 });
  for (const e of arrival) h.match('base', e.time, e.id, { host: e.key, user: e.user });
  h.flush();
  return h.alerts;
}

const thresholdArb = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n): Threshold => ({ gte: n })),
  fc.integer({ min: 0, max: 5 }).map((n): Threshold => ({ gt: n })),
);

describe('correlation engine against a brute-force model', () => {
  it('event_count and value_count: same alerts in order and shuffled within the allowed lateness', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) =>
          fc.record({
            events: fc.constant(events),
            type: fc.constantFrom('event_count' as const, 'value_count' as const),
            span: fc.integer({ min: 1, max: 60 }),
            threshold: thresholdArb,
            lateness: fc.integer({ min: 0, max: 40 }).map((s) => s * 1000),
          }).chain((c) => arrivalArb(events, c.lateness).map((arrival) => ({ ...c, arrival }))),
        ),
        ({ events, type, span, threshold, lateness, arrival }) => {
          const correlation = { type, rules: ['base'], 'group-by': ['host'], timespan: `${span}s`, condition: { ...threshold, ...(type === 'value_count' ? { field: 'user' } : {}) } };
          const spanMs = span * 1000;
          const expected = order(referenceSliding(events, type, spanMs, threshold));
          const inOrder = runEngine(correlation, [...events].sort(byTimeThenId), lateness);
          const shuffled = runEngine(correlation, arrival, lateness);
          expect(order(findings(inOrder))).toEqual(expected);
          expect(order(findings(shuffled))).toEqual(expected);
          expect(shuffled.map((a) => a.event.id).sort()).toEqual(inOrder.map((a) => a.event.id).sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('closing windows (count below a ceiling): same alerts in order and shuffled', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) =>
          fc.record({ events: fc.constant(events), span: fc.integer({ min: 1, max: 60 }), below: fc.integer({ min: 1, max: 5 }), lateness: fc.integer({ min: 0, max: 40 }).map((s) => s * 1000) })
            .chain((c) => arrivalArb(events, c.lateness).map((arrival) => ({ ...c, arrival }))),
        ),
        ({ events, span, below, lateness, arrival }) => {
          const correlation = { type: 'event_count', rules: ['base'], 'group-by': ['host'], timespan: `${span}s`, condition: { lt: below } };
          const expected = order(referenceClosing(events, span * 1000, { lt: below }));
          expect(order(findings(runEngine(correlation, [...events].sort(byTimeThenId), lateness)))).toEqual(expected);
          expect(order(findings(runEngine(correlation, arrival, lateness)))).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('temporal_ordered against a brute-force model', () => {
  /** A then B (equal times count as in order), both within the timespan; a group's events are used up by an alert. */
  function referenceOrdered(events: Array<Ev & { rule: 'A' | 'B' }>, spanMs: number): Array<{ key: string; end: number }> {
    const sorted = [...events].sort((a, b) => byTimeThenId(a, b) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    const usedUntil = new Map<string, number>();
    const out: Array<{ key: string; end: number }> = [];
    sorted.forEach((e, i) => {
      const window = sorted.filter((o, j) => j <= i && o.key === e.key && j > (usedUntil.get(e.key) ?? -1) && o.time >= e.time - spanMs);
      const complete = window.some((a) => a.rule === 'A' && window.some((b) => b.rule === 'B' && b.time >= a.time));
      if (complete) {
        out.push({ key: JSON.stringify([e.key]), end: e.time });
        usedUntil.set(e.key, i);
      }
    });
    return out;
  }

  it('finds the same sequences in order and shuffled within the allowed lateness', () => {
    const ruleEventsArb = eventsArb.chain((events) =>
      fc.array(fc.constantFrom('A' as const, 'B' as const), { minLength: events.length, maxLength: events.length }).map((rules) => events.map((e, i) => ({ ...e, rule: rules[i]! }))),
    );
    fc.assert(
      fc.property(
        ruleEventsArb.chain((events) =>
          fc.record({ events: fc.constant(events), span: fc.integer({ min: 1, max: 30 }), lateness: fc.integer({ min: 0, max: 20 }).map((s) => s * 1000) })
            .chain((c) => arrivalArb(events, c.lateness).map((arrival) => ({ ...c, arrival: arrival as typeof events }))),
        ),
        ({ events, span, lateness, arrival }) => {
          const rules = compileAll([correlationRule({ id: 'seq' }, { type: 'temporal_ordered', rules: ['A', 'B'], 'group-by': ['host'], timespan: `${span}s` })], [{ id: 'A' }, { id: 'B' }]);
          const expected = referenceOrdered(events, span * 1000).sort((a, b) => a.end - b.end || a.key.localeCompare(b.key));
          for (const stream of [[...events].sort(byTimeThenId), arrival]) {
            const h = new Harness(rules, { allowedLatenessMs: lateness });
            for (const e of stream) h.match(e.rule, e.time, e.id, { host: e.key });
            h.flush();
            const got = findings(h.alerts).map((f) => ({ key: f.key, end: f.end })).sort((a, b) => a.end - b.end || a.key.localeCompare(b.key));
            expect(got).toEqual(expected);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('snapshot and restore', () => {
  const soc = { socle: { scope: 'soc' } };
  const socs = { s1: ['o1', 'o2'] };
  const rules = () =>
    compileAll(
      [
        correlationRule({ id: 'count' }, { type: 'event_count', rules: ['a'], 'group-by': ['host'], timespan: '20s', condition: { gte: 3 } }),
        correlationRule({ id: 'users' }, { type: 'value_count', rules: ['a', 'b'], 'group-by': ['host'], timespan: '30s', condition: { field: 'user', gte: 2 } }),
        correlationRule({ id: 'few' }, { type: 'event_count', rules: ['b'], 'group-by': ['host'], timespan: '15s', condition: { lt: 2 } }),
        correlationRule({ id: 'avg' }, { type: 'value_avg', rules: ['a'], 'group-by': ['host'], timespan: '25s', condition: { field: 'n', gt: 2 } }),
        correlationRule({ id: 'chain', name: 'chain' }, { type: 'temporal_ordered', rules: ['count', 'b'], 'group-by': ['host'], timespan: '40s' }),
        correlationRule({ id: 'absent' }, { type: 'temporal_ordered', rules: ['a', 'c'], 'group-by': ['host'], timespan: '10s', condition: 'a and not c' }),
        correlationRule({ id: 'any' }, { type: 'temporal', rules: ['a', 'b', 'c'], 'group-by': ['user'], timespan: '12s' }),
        // SOC-wide: their groups remember which organisation each member came from
        correlationRule({ id: 'socUsers', custom: soc }, { type: 'value_count', rules: ['a', 'b'], 'group-by': ['host'], timespan: '30s', condition: { field: 'user', gte: 3 } }),
        correlationRule({ id: 'socFew', custom: soc }, { type: 'event_count', rules: ['c'], 'group-by': ['host'], timespan: '15s', condition: { lt: 2 } }),
        correlationRule({ id: 'socAny', custom: soc }, { type: 'temporal', rules: ['a', 'c'], 'group-by': ['host'], timespan: '12s' }),
        correlationRule({ id: 'socOrdered', custom: soc }, { type: 'temporal_ordered', rules: ['b', 'a'], 'group-by': ['host'], timespan: '20s' }),
        correlationRule({ id: 'socAbsent', custom: soc }, { type: 'temporal_ordered', rules: ['b', 'c'], 'group-by': ['host'], timespan: '10s', condition: 'b and not c' }),
      ],
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    );

  type Op = { kind: 'match'; rule: string; time: number; id: string; host: string; user: string; n: number; org: string } | { kind: 'advance'; time: number };
  const opsArb = fc
    .array(
      fc.oneof(
        { weight: 9, arbitrary: fc.record({ kind: fc.constant('match' as const), rule: fc.constantFrom('a', 'b', 'c'), time: fc.integer({ min: 0, max: 120_000 }), host: fc.constantFrom('h1', 'h2'), user: fc.constantFrom('u1', 'u2', 'u3'), n: fc.integer({ min: 0, max: 5 }), org: fc.constantFrom('o1', 'o2', 'o3') }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), time: fc.integer({ min: 0, max: 120_000 }) }) },
      ),
      { maxLength: 80 },
    )
    .map((ops) => ops.map((op, i): Op => (op.kind === 'match' ? { ...op, id: `e${i}` } : op)));

  function run(ops: Op[], lateness: number, cuts: Set<number>, maxKeys: number): Alert[] {
    const options = { allowedLatenessMs: lateness, maxKeysPerRule: maxKeys, socs };
    let engine = new CorrelationEngine(rules(), options);
    const out: Alert[] = [];
    ops.forEach((op, i) => {
      if (cuts.has(i)) {
        const saved = JSON.parse(JSON.stringify(engine.snapshot()));
        engine = new CorrelationEngine(rules(), options);
        engine.restore(saved);
      }
      if (op.kind === 'advance') out.push(...engine.advanceWatermark(op.time));
      else out.push(...engine.onMatch({ ruleId: op.rule, event: { host: op.host, user: op.user, n: op.n }, eventId: op.id, time: op.time, organization: op.org, getField }));
    });
    if (cuts.has(ops.length)) {
      const saved = JSON.parse(JSON.stringify(engine.snapshot()));
      engine = new CorrelationEngine(rules(), options);
      engine.restore(saved);
    }
    out.push(...engine.flush());
    expect(engine.stats().bufferedMatches).toBe(0);
    return out;
  }

  it('a run interrupted by snapshot -> JSON -> restore at any points gives exactly the alerts of an uninterrupted run', () => {
    fc.assert(
      fc.property(opsArb, fc.integer({ min: 0, max: 20_000 }), fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 5 }), fc.constantFrom(1, 2, 100), (ops, lateness, cuts, maxKeys) => {
        const whole = run(ops, lateness, new Set(), maxKeys);
        const interrupted = run(ops, lateness, new Set(cuts), maxKeys);
        expect(interrupted).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a snapshot of different rules', () => {
    const engine = new CorrelationEngine(rules());
    const other = new CorrelationEngine(rules().slice(1));
    expect(() => other.restore(engine.snapshot())).toThrow(/snapshot is for rules \[count, users/);
  });
});
