import type { Alert } from '@socle/core';

/** A detection-style alert for tests; only the fields the store reads are filled. */
export function makeAlert(o: {
  id: string;
  time: string;
  rule?: string;
  level?: string;
  host?: string;
  user?: string;
  sourceIp?: string;
}): Alert {
  const level = o.level ?? 'medium';
  return {
    '@timestamp': o.time,
    event: { kind: 'alert', id: o.id, severity: 47 },
    rule: { id: o.rule ?? 'rule-a', name: `Rule ${o.rule ?? 'rule-a'}`, category: 'detection' },
    tags: [],
    'kibana.alert.severity': level,
    socle: { level },
    ...(o.host ? { host: { name: o.host } } : {}),
    ...(o.user ? { user: { name: o.user } } : {}),
    ...(o.sourceIp ? { source: { ip: o.sourceIp } } : {}),
  };
}
