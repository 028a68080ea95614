/** The console's only door to the server: same-origin fetches to the alert API, with the session's CSRF token on writes. */
import type { Alert, AlertDetail, AlertHistory, AlertPage, Bucket, Count, SessionInfo, TriageChange, TriageState } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The header the API checks on state-changing requests made with a session cookie. */
export const CSRF_HEADER = 'x-socle-csrf';

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

export function useSessionHooks(csrf: string | undefined, unauthorized: () => void): void {
  csrfToken = csrf;
  onUnauthorized = unauthorized;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') onUnauthorized?.();
    throw new ApiError(res.status, data.error ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

/**
 * Layer 4 reads shared views (`SharedAlert` of @socle/sharing: rule, level, TLP, pseudonymised entities), not stored
 * alerts; the console shows them through the same components, as alerts without raw events or triage.
 */
export function fromSharedView(item: Alert | Record<string, unknown>): Alert {
  if ('event' in item || !('alertId' in item)) return item as Alert;
  const v = item as { alertId: string; organization?: string; tlp?: string; rule: Alert['rule']; level: Alert['socle']['level']; severity?: number; tags?: string[]; techniques?: string[]; firstSeen?: string; lastSeen?: string; count?: number; sharedAt?: string; affected?: { users?: string[]; hosts?: string[] }; correlation?: { type: string; value: number; windowStart: string; windowEnd: string; eventCount: number; group: Record<string, string> } };
  const hosts = v.affected?.hosts ?? [];
  const users = v.affected?.users ?? [];
  return {
    '@timestamp': v.lastSeen ?? v.firstSeen ?? '',
    event: { id: v.alertId, kind: 'alert', ...(v.severity !== undefined ? { severity: v.severity } : {}) },
    rule: v.rule,
    tags: v.tags ?? [],
    socle: {
      level: v.level,
      sharing: { shared: true, ...(v.tlp ? { tlp: v.tlp } : {}), ...(v.sharedAt ? { sharedAt: v.sharedAt } : {}) },
      ...((v.count ?? 1) > 1 && v.firstSeen && v.lastSeen ? { suppression: { suppressed: (v.count ?? 1) - 1, first: v.firstSeen, last: v.lastSeen } } : {}),
      ...(v.correlation
        ? { correlation: { type: v.correlation.type, value: v.correlation.value, group: v.correlation.group, window: { start: v.correlation.windowStart, end: v.correlation.windowEnd }, events: { ids: [], total: v.correlation.eventCount }, rules: [] } }
        : {}),
    },
    ...(v.techniques?.length ? { threat: { technique: { id: v.techniques } } } : {}),
    ...(hosts.length ? { host: { name: hosts.join(', ') } } : {}),
    ...(users.length ? { user: { name: users.join(', ') } } : {}),
    ...(v.organization ? { organization: { id: v.organization } } : {}),
  };
}

export const api = {
  session: () => request<SessionInfo>('GET', '/api/session'),
  signIn: (token: string) => request<SessionInfo>('POST', '/api/session', { token }),
  signOut: () => request<void>('DELETE', '/api/session'),
  search: async (params: URLSearchParams): Promise<AlertPage> => {
    const page = await request<AlertPage>('GET', `/alerts?${params}`);
    return { ...page, alerts: page.alerts.map(fromSharedView), triage: page.triage ?? {} };
  },
  counts: (by: 'rule' | 'severity' | 'organization', params: URLSearchParams) => {
    const p = new URLSearchParams(params);
    p.set('by', by);
    p.delete('size');
    p.delete('cursor');
    return request<{ by: string; counts: Count[] }>('GET', `/alerts/_counts?${p}`);
  },
  histogram: (interval: string, params: URLSearchParams) => {
    const p = new URLSearchParams(params);
    p.set('interval', interval);
    p.delete('size');
    p.delete('cursor');
    return request<{ interval: number; buckets: Bucket[] }>('GET', `/alerts/_histogram?${p}`);
  },
  alert: async (id: string): Promise<AlertDetail> => {
    const d = await request<Partial<AlertDetail> & { alert: Alert }>('GET', `/alerts/${encodeURIComponent(id)}`);
    return {
      alert: fromSharedView(d.alert),
      triage: d.triage ?? { alertId: id, status: 'open', tags: [], notes: [] },
      members: d.members ?? { eventIds: [], total: 0, events: [] },
    };
  },
  history: (id: string) => request<AlertHistory>('GET', `/alerts/${encodeURIComponent(id)}/history`),
  triage: (id: string, change: TriageChange) => request<TriageState>('POST', `/alerts/${encodeURIComponent(id)}/triage`, change),
};
