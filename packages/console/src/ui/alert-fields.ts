/** Reading the alert fields the console shows, whatever shape the store gave them (ECS arrays or scalars). */
import type { Alert } from './types.ts';

export function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

export function organizations(a: Alert): string[] {
  const id = a.organization?.id;
  return id === undefined ? [] : Array.isArray(id) ? id.map(String) : [String(id)];
}

/** Correlation alerts name their host, user and address in the group. */
export function alertHost(a: Alert): string | undefined {
  return first(a.host?.name) ?? first(a.socle.correlation?.group['host.name']);
}
export function alertUser(a: Alert): string | undefined {
  return first(a.user?.name) ?? first(a.socle.correlation?.group['user.name']);
}
export function alertSource(a: Alert): string | undefined {
  return first(a.source?.ip) ?? first(a.socle.correlation?.group['source.ip']);
}
export function alertDestination(a: Alert): string | undefined {
  return first(a.destination?.ip) ?? first(a.socle.correlation?.group['destination.ip']);
}

/** Flattens nested objects into dotted ECS names, sorted; arrays of scalars are joined. */
export function flatten(value: Record<string, unknown>, prefix = '', out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, name, out);
    else out.push([name, Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v)]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}
