/**
 * Property: for random organisations, sharing groups, alerts, TLP levels, principals and RED recipients, the TAXII
 * server's answers (objects and manifest of every collection) equal a reference model of the layer and TLP rules.
 * Alerts go through the real path: sharing policy -> STIX bundle -> published into the policy's collection.
 */
import { silentLogger } from '@socle/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '@socle/core';
import { MemoryAccessAuditLog, type Layer, type Principal, type Role } from '@socle/api';
import {
  AlertSharing,
  alertToStix,
  destinationOf,
  makeBundle,
  parseSharingPolicy,
  SOCLE_ALERT_EXTENSION_ID,
  SOCLE_IDENTITY_ID,
  taxiiCollections,
  taxiiConfigSchema,
  TaxiiServer,
  TAXII_MEDIA_TYPE,
  TLP_LEVELS,
  type TlpLevel,
} from '@socle/sharing';
import { referenceReadsCollection, referenceSees } from './taxii-fixture.ts';

const ORGS = ['o1', 'o2', 'o3', 'o4'];

const principalArb = fc
  .record({ layer: fc.constantFrom<Layer>(1, 2, 3, 4), orgs: fc.subarray(ORGS), adminRole: fc.boolean() })
  .map(({ layer, orgs, adminRole }) => {
    const organizations = layer === 1 ? orgs.slice(0, 1).concat(orgs.length ? [] : ['o1']) : layer === 4 ? orgs : orgs.length ? orgs : ['o2'];
    const role: Role = layer === 3 ? 'auditor' : layer === 4 ? 'national' : adminRole ? 'admin' : 'analyst';
    return { layer, organizations, role, readOnly: layer === 3 || layer === 4 };
  });

const scenarioArb = fc.record({
  /** Each organisation's policy: its collection (several organisations on one collection form a sharing group) and TLP. */
  policies: fc.uniqueArray(fc.record({ org: fc.constantFrom(...ORGS), collection: fc.constantFrom('c1', 'c2', 'c3'), tlp: fc.constantFrom(...TLP_LEVELS) }), {
    minLength: 1,
    maxLength: 4,
    selector: (p) => p.org,
  }),
  alerts: fc.array(fc.record({ org: fc.constantFrom(...ORGS), n: fc.integer({ min: 1, max: 1_000_000 }) }), { minLength: 1, maxLength: 6 }),
  principals: fc.array(principalArb, { minLength: 1, maxLength: 6 }),
  red: fc.array(fc.tuple(fc.constantFrom(...ORGS), fc.nat(5)), { maxLength: 6 }),
});

function alertOf(org: string, n: number): Alert {
  const id = n.toString(16).padStart(16, '0');
  return {
    '@timestamp': '2026-03-14T09:18:04.000Z',
    event: { kind: 'alert', id, severity: 73, reference: `auth:${n}` },
    rule: { id: 'socle-test-rule', name: 'Test rule', category: 'detection' },
    tags: [],
    socle: { level: 'high', eventId: `auth:${n}` },
    organization: { id: org },
    source: { ip: `203.0.113.${n % 250}` },
    user: { name: `user${n}` },
  } as unknown as Alert;
}

describe('TAXII answers against the reference model of the layer and TLP rules', () => {
  it('returns exactly the objects the reference model allows, for every principal and collection', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const policies = s.policies.map((p) =>
          parseSharingPolicy(
            `organization: ${p.org}\nsharedBy: SOC ${p.org}\ncollection: ${p.collection}\ntlp: ${p.tlp}\nminimumSeverity: low\n` +
              'personalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n',
            `${p.org}.yml`,
          ),
        );
        const principals: (Principal & { token: string })[] = s.principals.map((p, i) => ({ ...p, tokenId: `t${i}`, token: `tok${i}`, expiresAt: '2099-01-01T00:00:00Z' }));
        const redRecipients: Record<string, string[]> = {};
        for (const [org, i] of s.red) if (i < principals.length) (redRecipients[org] ??= []).push(`t${i}`);
        const config = taxiiConfigSchema.parse({ tokens: 'unused', audit: 'unused' });
        const server = new TaxiiServer({
          title: 'T',
          apiRoot: 'r',
          collections: taxiiCollections(config, policies),
          authenticate: (h) => principals.find((p) => h === `Bearer ${p.token}`) ?? { error: 'unauthenticated', reason: 'unknown' },
          audit: new MemoryAccessAuditLog(),
          redRecipients,
          maxPageSize: 10_000,
          logger: silentLogger,
        });
        // Published objects: id -> every (collection, organisation, TLP) it was stored under.
        const stored: { id: string; collection: string; organization: string; tlp: TlpLevel }[] = [];
        for (const a of s.alerts) {
          const policy = policies.find((p) => p.organization === a.org);
          if (!policy) continue;
          const decision = new AlertSharing(policy, undefined).decide(alertOf(a.org, a.n));
          if (!decision.shared) throw new Error(decision.reason);
          const bundle = makeBundle(alertToStix(decision.alert));
          const destination = destinationOf(policy);
          server.publish(bundle, destination);
          for (const o of bundle.objects) {
            const publicObject = o.type === 'marking-definition' || o.id === SOCLE_ALERT_EXTENSION_ID || o.id === SOCLE_IDENTITY_ID;
            stored.push({ id: o.id, ...destination, tlp: publicObject ? 'CLEAR' : policy.tlp });
          }
        }
        const { url } = await server.listen();
        try {
          const groups = new Map<string, string[]>();
          for (const p of policies) groups.set(p.collection ?? p.organization, [...(groups.get(p.collection ?? p.organization) ?? []), p.organization]);
          for (const p of principals) {
            for (const [collection, organizations] of groups) {
              const headers = { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${p.token}` };
              const res = await fetch(`${url}/r/collections/${collection}/objects/`, { headers });
              if (!referenceReadsCollection(p, organizations)) {
                expect(res.status).toBe(404);
                continue;
              }
              expect(res.status).toBe(200);
              const body = (await res.json()) as { objects?: { id: string }[] };
              const expected = new Set(stored.filter((o) => o.collection === collection && referenceSees(p, organizations, o, redRecipients)).map((o) => o.id));
              expect(new Set((body.objects ?? []).map((o) => o.id))).toEqual(expected);
              expect(body.objects?.length ?? 0).toBe(expected.size);
              const manifest = (await (await fetch(`${url}/r/collections/${collection}/manifest/`, { headers })).json()) as { objects?: { id: string }[] };
              expect(new Set((manifest.objects ?? []).map((o) => o.id))).toEqual(expected);
            }
          }
        } finally {
          await server.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
