import type { Alert } from '@socle/core';

/** The alert fields the store indexes and the table prints, read the same way for detection and correlation alerts. */
export interface AlertFields {
  id: string;
  timeMs: number;
  level: string;
  rule: string;
  host?: string;
  user?: string;
  sourceIp?: string;
  /** `source.ip` and `destination.ip` (own fields or correlation group). */
  ips: string[];
  /** ATT&CK technique and sub-technique ids, upper-cased. */
  techniques: string[];
  /**
   * The organisations whose data the alert holds, which decide who may see it: `socle.organizations` when the alert
   * carries it (a SOC-wide correlation: `organization.id` is the SOC, these are its member organisations), else the
   * `organization.id` values (own field or correlation group).
   */
  organizations: string[];
  /** Marked as shared upward by the sharing side, with the shared view it produced (`socle.sharing.view`). */
  shared: boolean;
}

/** The flag the sharing side sets on an alert it pushed upward; layer-4 principals see only those alerts. */
export const SHARED_UPWARD_FIELD = 'socle.sharing.shared';

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length > 0) return text(v[0]);
  return undefined;
}

function texts(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(texts);
  const t = text(v);
  return t === undefined ? [] : [t];
}

/** `host.name` from the alert's own ECS fields (detection) or from the correlation group (`group-by: [host.name]`). */
function nested(alert: Alert, path: string): string | undefined {
  return nestedAll(alert, path)[0];
}

function nestedAll(alert: Alert, path: string): string[] {
  const [top, leaf] = path.split('.');
  const own = texts(asRecord(alert[top])?.[leaf]);
  if (own.length > 0) return own;
  // A flattened ECS key (`organization.id` at top level), then the correlation group.
  const flat = texts(alert[path]);
  if (flat.length > 0) return flat;
  return texts(alert.socle?.correlation?.group?.[path]);
}

/** Where the sharing side stores the policy-redacted view of an alert it shared: all that layer 4 may read. */
export const SHARED_VIEW_FIELD = 'socle.sharing.view';

/**
 * The shared view of an alert (what the sharing policy produced for the STIX output: redacted, pseudonymised), or
 * undefined when the alert was not shared or its view does not belong to it.
 */
export function sharedViewOf(alert: Alert): Record<string, unknown> | undefined {
  const sharing = asRecord(alert.socle?.sharing);
  if (sharing?.shared !== true) return undefined;
  const view = asRecord(sharing.view);
  return view && view.alertId === alert.event?.id ? view : undefined;
}

function isShared(alert: Alert): boolean {
  return sharedViewOf(alert) !== undefined;
}

/**
 * `socle.organizations` when present (absent: undefined). Anything but a non-empty list of non-empty strings is
 * an empty scope, so a malformed list hides the alert from everyone instead of showing it to everyone.
 */
function memberOrganizations(alert: Alert): string[] | undefined {
  const socle = asRecord(alert.socle);
  if (!socle || !('organizations' in socle)) return undefined;
  const list = socle.organizations;
  if (!Array.isArray(list) || list.length === 0 || !list.every((o) => typeof o === 'string' && o !== '')) return [];
  return list as string[];
}

function techniques(alert: Alert): string[] {
  const t = alert.threat?.technique;
  return [...texts(t?.id), ...texts(t?.subtechnique?.id)].map((s) => s.toUpperCase());
}

export function alertFields(alert: Alert): AlertFields {
  const sourceIps = nestedAll(alert, 'source.ip');
  return {
    id: alert.event.id,
    timeMs: Date.parse(alert['@timestamp']),
    level: (alert.socle?.level ?? alert['kibana.alert.severity'] ?? 'low').toLowerCase(),
    rule: alert.rule.id,
    host: nested(alert, 'host.name'),
    user: nested(alert, 'user.name'),
    sourceIp: sourceIps[0],
    ips: [...new Set([...sourceIps, ...nestedAll(alert, 'destination.ip')])],
    techniques: [...new Set(techniques(alert))],
    organizations: [...new Set(memberOrganizations(alert) ?? nestedAll(alert, 'organization.id'))],
    shared: isShared(alert),
  };
}

/** Lower-cased text searched by free-text queries. */
export function alertSearchText(alert: Alert, fields: AlertFields): string {
  const parts = [alert.rule.id, alert.rule.name, fields.host, fields.user, ...fields.ips, ...fields.techniques, ...(alert.tags ?? [])];
  const group = alert.socle.correlation?.group;
  if (group) for (const v of Object.values(group)) parts.push(text(v));
  return parts.filter((p): p is string => p !== undefined).join('\n').toLowerCase();
}
