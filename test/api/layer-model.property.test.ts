// Property: for random organisations, alerts (own, SOC-wide with member organisations, malformed, unattributed,
// shared or not) and principals of every layer, the API's answers over HTTP equal the reference model of the layer
// rules (layer-model.ts): the ids listed, the totals, the counts per organisation, the histogram sum, and each
// detail answer (200 or the same 404 as an unknown id).
import { silentLogger } from '@socle/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAccessAuditLog, MemoryTokenStore, startAlertApi, type AlertStore, type RunningAlertApi } from '@socle/api';
import { buildAlert, memoryStore } from './access-fixtures.ts';
import { countsByOrganization, sees, visibleIds, type ModelAlert, type ModelPrincipal } from './layer-model.ts';

const ORGS = ['org-a', 'org-b', 'org-c', 'org-d', 'soc-1'];
const NOW = Date.parse('2026-11-23T12:00:00Z');

let api: RunningAlertApi;
let current: AlertStore = memoryStore([]);
const tokens = new MemoryTokenStore();

/** One server for all runs; each run swaps the store it reads. */
const delegating: AlertStore = {
  scopeFilters: true,
  search: (q) => current.search(q),
  get: (id) => current.get(id),
  aggregate: (by, q) => current.aggregate(by, q),
  histogram: (ms, q) => current.histogram!(ms, q),
};

beforeAll(async () => {
  api = await startAlertApi({ store: delegating, tokens, audit: new MemoryAccessAuditLog(), now: () => NOW, logger: silentLogger }, '127.0.0.1', 0);
});
afterAll(async () => {
  await api.close();
});

const orgSubset = fc.subarray(ORGS.slice(0, 4), { minLength: 1 });
const principal: fc.Arbitrary<ModelPrincipal> = fc.oneof(
  fc.record({ layer: fc.constant(1 as const), organizations: fc.constantFrom(...ORGS.slice(0, 4)).map((o) => [o]), role: fc.constantFrom('analyst' as const, 'admin' as const) }),
  fc.record({ layer: fc.constant(2 as const), organizations: orgSubset, role: fc.constantFrom('analyst' as const, 'admin' as const) }),
  fc.record({ layer: fc.constant(3 as const), organizations: orgSubset, role: fc.constant('auditor' as const) }),
  fc.record({ layer: fc.constant(4 as const), organizations: fc.subarray(ORGS.slice(0, 4)), role: fc.constant('national' as const) }),
).map((p) => ({ ...p, name: `L${p.layer}` }));

const alertShape = fc.record({
  kind: fc.constantFrom('own', 'own', 'own', 'soc-wide', 'malformed', 'unattributed'),
  org: fc.constantFrom(...ORGS.slice(0, 4)),
  members: fc.subarray(ORGS.slice(0, 4), { minLength: 1 }),
  shared: fc.boolean(),
  level: fc.constantFrom('low' as const, 'medium' as const, 'high' as const, 'critical' as const),
  rule: fc.constantFrom('brute', 'sudo', 'spray'),
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

const alerts: fc.Arbitrary<ModelAlert[]> = fc.array(alertShape, { maxLength: 25 }).map((shapes) =>
  shapes.map((s, i) => {
    const base = { id: `al-${i}`, level: s.level, rule: s.rule, time: new Date(NOW - s.minute * 60_000).toISOString(), shared: s.shared };
    switch (s.kind) {
      case 'soc-wide':
        return { ...base, org: 'soc-1', members: s.members };
      case 'malformed':
        return { ...base, org: 'soc-1', members: [] };
      case 'unattributed':
        return { ...base, shared: false };
      default:
        return { ...base, org: s.org };
    }
  }),
);

async function get(path: string, token: string): Promise<any> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('the API against the reference model of the layer rules', () => {
  it('lists, counts, histograms and details exactly what the model allows', async () => {
    await fc.assert(
      fc.asyncProperty(principal, alerts, fc.nat(), async (p, model, pick) => {
        current = memoryStore(model.map(buildAlert));
        const token = tokens.create({ layer: p.layer, organizations: p.organizations, role: p.role, expiresAt: new Date(NOW + 3_600_000).toISOString(), createdBy: 'property' }, NOW).token;
        const expected = visibleIds(p, model);

        const list = await get('/alerts?size=1000', token);
        expect(list.status).toBe(200);
        expect(list.body.alerts.map((a: any) => (p.layer === 4 ? a.alertId : a.event.id)).sort()).toEqual(expected);
        expect(list.body.total).toBe(expected.length);

        const orgs = await get('/alerts/_counts?by=organization', token);
        expect(Object.fromEntries(orgs.body.counts.map((c: any) => [c.key, c.count]))).toEqual(countsByOrganization(p, model));
        const hist = await get('/alerts/_histogram?interval=1d', token);
        expect(hist.body.buckets.reduce((n: number, b: any) => n + b.count, 0)).toBe(expected.length);

        if (model.length > 0) {
          const probe = model[pick % model.length]!;
          const detail = await get(`/alerts/${probe.id}`, token);
          if (sees(p, probe)) {
            expect(detail.status).toBe(200);
            if (p.layer === 4) expect(Object.keys(detail.body)).toEqual(['alert']);
          } else {
            expect(detail).toEqual({ status: 404, body: { error: `no alert with id '${probe.id}'` } });
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

