/**
 * Stored alerts for the access suites: each carries personal data (user, internal host and address), a raw event and
 * a private marker no client sends; shared ones carry the view the real sharing policy produced (@socle/sharing).
 */
import type { Alert } from '@socle/core';
import { AlertIndex, type AlertStore } from '@socle/api';
import { AlertSharing, markShared, Pseudonymizer } from '@socle/sharing';
import type { ModelAlert } from './layer-model.ts';

type Policy = ConstructorParameters<typeof AlertSharing>[0];

/** Strings that must never reach a layer-4 caller, whatever the alert. */
export const personal = {
  user: (id: string) => `user-of-${id}`,
  host: (id: string) => `host-of-${id}.corp.example`,
  address: (id: string) => `10.77.${id.length}.${(hash(id) % 250) + 1}`,
  marker: (id: string) => `MARKER-${id}-MARKER`,
  raw: (id: string) => `RAW-${id}-RAW`,
};

function hash(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

const sharings = new Map<string, AlertSharing>();

/** The sharing of an organisation: pseudonymise everything personal, share every level. */
export function sharingFor(org: string): AlertSharing {
  let s = sharings.get(org);
  if (!s) {
    const policy: Policy = {
      organization: org,
      sharedBy: 'SOC Test',
      minimumSeverity: 'informational',
      includeUnattributed: false,
      rules: { allow: [], deny: [] },
      tlp: 'AMBER',
      personalData: { users: 'pseudonymise', emails: 'pseudonymise', internalHosts: 'pseudonymise', internalAddresses: 'pseudonymise' },
      internalNetworks: [],
      internalDomains: ['corp.example'],
      pseudonymKey: { env: 'UNUSED' },
      baseDir: '.',
    };
    s = new AlertSharing(policy, new Pseudonymizer(new TextEncoder().encode(`pseudonym key of ${org} for tests`)));
    sharings.set(org, s);
  }
  return s;
}

export function buildAlert(m: ModelAlert): Alert {
  const alert: Alert = {
    '@timestamp': m.time,
    event: { kind: 'alert', id: m.id, severity: 73 },
    rule: { id: m.rule, name: `Rule ${m.rule}`, category: 'detection' },
    tags: ['attack.t1110'],
    threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1110'], reference: [] } },
    'kibana.alert.severity': m.level,
    socle: { level: m.level, eventId: `ev-${m.id}` },
    host: { name: personal.host(m.id) },
    user: { name: personal.user(m.id) },
    source: { ip: personal.address(m.id) },
    destination: { ip: '198.51.100.23' },
    labels: { marker: personal.marker(m.id) },
    'socle.event': { message: personal.raw(m.id), host: { name: personal.host(m.id) }, user: { name: personal.user(m.id) } },
  };
  if (m.org !== undefined) alert.organization = { id: m.org };
  if (m.members !== undefined) alert.socle.organizations = m.members;
  if (!m.shared || m.org === undefined) return alert;
  const decision = sharingFor(m.org).decide(alert);
  if (!decision.shared) throw new Error(`fixture ${m.id}: the policy did not share it (${decision.reason})`);
  return markShared(alert, decision.alert, m.time);
}

/** An in-memory alert store over the API's own index (the journal store without the file). */
export function memoryStore(alerts: readonly Alert[]): AlertStore {
  const index = new AlertIndex();
  for (const a of alerts) index.put(a);
  return {
    scopeFilters: true,
    search: async (q) => index.search(q),
    get: async (id) => index.get(id),
    aggregate: async (by, q = {}) => index.aggregate(by, q),
    histogram: async (ms, q = {}) => index.histogram(ms, q),
  };
}
