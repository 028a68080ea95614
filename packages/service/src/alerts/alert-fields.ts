import type { Alert } from '@socle/core';

/** The few alert fields the store indexes and the table prints, read the same way for detection and correlation alerts. */
export interface AlertFields {
  id: string;
  timeMs: number;
  level: string;
  rule: string;
  host?: string;
  user?: string;
  sourceIp?: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length > 0) return text(v[0]);
  return undefined;
}

/** `host.name` from the alert's own ECS fields (detection) or from the correlation group (`group-by: [host.name]`). */
function nested(alert: Alert, path: string): string | undefined {
  const [top, leaf] = path.split('.');
  const own = text(asRecord(alert[top])?.[leaf]);
  if (own !== undefined) return own;
  return text(alert.socle.correlation?.group?.[path]);
}

export function alertFields(alert: Alert): AlertFields {
  return {
    id: alert.event.id,
    timeMs: Date.parse(alert['@timestamp']),
    level: (alert.socle?.level ?? alert['kibana.alert.severity'] ?? 'low').toLowerCase(),
    rule: alert.rule.id,
    host: nested(alert, 'host.name'),
    user: nested(alert, 'user.name'),
    sourceIp: nested(alert, 'source.ip'),
  };
}

/** Lower-cased text searched by free-text queries. */
export function alertSearchText(alert: Alert, fields: AlertFields): string {
  const parts = [alert.rule.id, alert.rule.name, fields.host, fields.user, fields.sourceIp, ...(alert.tags ?? [])];
  const group = alert.socle.correlation?.group;
  if (group) for (const v of Object.values(group)) parts.push(text(v));
  return parts.filter((p): p is string => p !== undefined).join('\n').toLowerCase();
}
