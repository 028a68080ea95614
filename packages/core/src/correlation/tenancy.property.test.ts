import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.ts';
import { Harness, compileAll, correlationRule } from './test-helpers.ts';

/**
 * Reference model of tenant isolation: running one engine over the events of several organisations gives the
 * alerts of one engine per owner (organisation; for SOC-wide rules, SOC or organisation in no SOC) over that
 * owner's events alone.
 */
const SOCS = { 'soc-1': ['org-a', 'org-b'], 'soc-2': ['org-c'] };
const ORGS = ['org-a', 'org-b', 'org-c', 'org-d'] as const;
const SOC_OF: Record<string, string> = { 'org-a': 'soc-1', 'org-b': 'soc-1', 'org-c': 'soc-2' };
const SPAN_S = 60;

function rules(scope: 'organization' | 'soc') {
  const custom = { socle: { scope } };
  const r = (id: string, correlation: Record<string, unknown>) => correlationRule({ id, custom }, correlation);
  return compileAll(
    [
      r('count', { type: 'event_count', rules: ['a'], 'group-by': ['ip'], timespan: '20s', condition: { gte: 3 } }),
      r('users', { type: 'value_count', rules: ['a', 'b'], 'group-by': ['ip'], timespan: '30s', condition: { field: 'user', gte: 2 } }),
      r('sum', { type: 'value_sum', rules: ['b'], 'group-by': ['ip'], timespan: '30s', condition: { field: 'n', gte: 6 } }),
      r('few', { type: 'event_count', rules: ['b'], 'group-by': ['ip'], timespan: '15s', condition: { lt: 2 } }),
      r('avg', { type: 'value_avg', rules: ['a'], 'group-by': ['ip'], timespan: '25s', condition: { field: 'n', gt: 2 } }),
      r('both', { type: 'temporal', rules: ['a', 'b'], 'group-by': ['ip'], timespan: '12s' }),
      r('ordered', { type: 'temporal_ordered', rules: ['a', 'b', 'c'], 'group-by': ['ip'], timespan: '20s' }),
      r('absent', { type: 'temporal_ordered', rules: ['b', 'c'], 'group-by': ['ip'], timespan: '10s', condition: 'b and not c' }),
      r('chained', { type: 'event_count', rules: ['count'], 'group-by': ['ip'], timespan: '40s', condition: { gte: 2 } }),
    ],
    [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
  );
}

interface Ev {
  org: (typeof ORGS)[number];
  rule: 'a' | 'b' | 'c';
  time: number;
  id: string;
  ip: string;
  user: string;
  n: number;
}

/** Per organisation a stream in time order; the streams interleaved at random. */
const streamArb = fc
  .array(
    fc.record({
      org: fc.constantFrom(...ORGS),
      rule: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
      time: fc.integer({ min: 0, max: SPAN_S }),
      ip: fc.constantFrom('10.0.0.1', '10.0.0.2'),
      user: fc.constantFrom('u1', 'u2', 'u3'),
      n: fc.integer({ min: 0, max: 4 }),
    }),
    { maxLength: 80 },
  )
  .map((es) => {
    const events = es.map((e, i): Ev => ({ ...e, time: Date.UTC(2026, 0, 1) + e.time * 1000, id: `e${String(i).padStart(3, '0')}` }));
    const perOrg = ORGS.map((org) => events.filter((e) => e.org === org).sort((x, y) => x.time - y.time || (x.id < y.id ? -1 : 1)));
    return perOrg;
  })
  .chain((perOrg) =>
    fc.array(fc.integer({ min: 0, max: ORGS.length - 1 }), { minLength: perOrg.flat().length, maxLength: perOrg.flat().length }).map((picks) => {
      // the i-th pick takes the next event of that organisation (or of the next one that has events left)
      const next = perOrg.map(() => 0);
      const out: Ev[] = [];
      for (const pick of picks) {
        let o = pick;
        while (next[o]! >= perOrg[o]!.length) o = (o + 1) % ORGS.length;
        out.push(perOrg[o]![next[o]!++]!);
      }
      return out;
    }),
  );

function run(scope: 'organization' | 'soc', stream: Ev[]): string[] {
  // lateness over the whole span: no event of any interleaving is late
  const h = new Harness(rules(scope), { allowedLatenessMs: SPAN_S * 1000, socs: SOCS, maxMemberEvents: 1000 });
  for (const e of stream) h.match(e.rule, e.time, e.id, { ip: e.ip, user: e.user, n: e.n, organization: { id: e.org } });
  h.flush();
  return canonical(h.alerts);
}

const canonical = (alerts: Alert[]): string[] => alerts.map((a) => JSON.stringify(a)).sort();

describe('tenant isolation against one engine per owner', () => {
  it.each(['organization', 'soc'] as const)('scope %s: any interleaving of organisations gives the union of the runs per owner', (scope) => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const ownerOf = (e: Ev) => (scope === 'soc' ? (SOC_OF[e.org] ?? e.org) : e.org);
        const owners = [...new Set(stream.map(ownerOf))];
        const expected = owners.flatMap((owner) => run(scope, stream.filter((e) => ownerOf(e) === owner))).sort();
        const got = run(scope, stream);
        expect(got).toEqual(expected);
        const parsed = got.map((a) => JSON.parse(a) as Alert);
        for (const a of parsed) {
          expect(typeof a.organization?.id).toBe('string');
          if (scope === 'organization') expect(a.socle.organizations).toEqual([a.organization!.id]);
          else expect(a.socle.organizations!.every((o) => (SOC_OF[o] ?? o) === a.organization!.id)).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });
});
