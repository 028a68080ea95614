import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.ts';
import { BRUTE_FORCE_SUCCESS, ROOT_LOGIN, SSH_FAILURE, SSH_SUCCESS, T0 } from './tenancy.test-rules.ts';

/** A brute force at three failures, and the same with suppression per address, beside the shared rules. */
const FAST_BRUTE_FORCE = `
title: Three failures
id: 3f1c7d52-0000-4000-8000-000000000010
level: high
correlation:
  type: event_count
  rules: [ssh_failure]
  group-by: [source.ip]
  timespan: 30s
  condition: {gte: 3}
  generate: true
socle:
  suppression:
    group-by: [source.ip]
    duration: 40s
`;
const RULES = [SSH_FAILURE, SSH_SUCCESS, FAST_BRUTE_FORCE, BRUTE_FORCE_SUCCESS, ROOT_LOGIN].map((text) => ({ text }));
const ORGS = ['org-a', 'org-b', 'org-c', undefined] as const;

interface Ev {
  org: (typeof ORGS)[number];
  s: number;
  outcome: 'failure' | 'success';
  ip: string;
  user: string;
  /** `event.id`: drawn from a few, so organisations (and events of one) share ids. */
  id: string;
}

/** Events in time order (as a live stream), each of a random organisation; equal times in random order. */
const streamArb = fc
  .array(
    fc.record({
      org: fc.constantFrom(...ORGS),
      s: fc.integer({ min: 0, max: 120 }),
      outcome: fc.constantFrom('failure' as const, 'failure' as const, 'success' as const),
      ip: fc.constantFrom('203.0.113.7', '198.51.100.2'),
      user: fc.constantFrom('root', 'alice'),
      id: fc.integer({ min: 0, max: 20 }).map((n) => `rec-${n}`),
    }),
    { maxLength: 60 },
  )
  .map((es) => [...es].sort((a, b) => a.s - b.s));

// rules compiled once; each run forks an engine with empty state
const template = createEngine({ rules: RULES });

function run(stream: Ev[]): string[] {
  const engine = template.fork();
  const alerts = stream.flatMap((e) =>
    engine.process({
      '@timestamp': new Date(T0 + e.s * 1000).toISOString(),
      event: { action: 'ssh_login', outcome: e.outcome, id: e.id },
      source: { ip: e.ip },
      user: { name: e.user },
      ...(e.org ? { organization: { id: e.org } } : {}),
    }),
  );
  alerts.push(...engine.flush());
  return alerts.map((a) => JSON.stringify(a)).sort();
}

describe('the engine over several organisations', () => {
  it('gives the union of one engine per organisation: detections, correlations, suppression and its updates', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const expected = ORGS.flatMap((org) => run(stream.filter((e) => e.org === org))).sort();
        const got = run(stream);
        expect(got).toEqual(expected);
        // alerts that are not updates of one another have distinct ids, whatever event ids the organisations share
        const kept = got.map((a) => JSON.parse(a)).filter((a) => !(a.socle.suppression?.suppressed > 0));
        const detections = kept.filter((a) => a.rule.category === 'detection');
        expect(new Set(detections.map((a) => a.event.id)).size).toBe(new Set(detections.map((a) => JSON.stringify([a.organization.id, a.rule.id, a.event.reference]))).size);
      }),
      { numRuns: 150 },
    );
  });
});
