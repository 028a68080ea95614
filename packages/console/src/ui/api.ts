/** The console's only door to the server: same-origin fetches to the alert API, with the session's CSRF token on writes. */
import type { AlertDetail, AlertHistory, AlertPage, Bucket, Count, SessionInfo, TriageChange, TriageState } from './types.ts';

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

export const api = {
  session: () => request<SessionInfo>('GET', '/api/session'),
  signIn: (token: string) => request<SessionInfo>('POST', '/api/session', { token }),
  signOut: () => request<void>('DELETE', '/api/session'),
  search: (params: URLSearchParams) => request<AlertPage>('GET', `/alerts?${params}`),
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
  alert: (id: string) => request<AlertDetail>('GET', `/alerts/${encodeURIComponent(id)}`),
  history: (id: string) => request<AlertHistory>('GET', `/alerts/${encodeURIComponent(id)}/history`),
  triage: (id: string, change: TriageChange) => request<TriageState>('POST', `/alerts/${encodeURIComponent(id)}/triage`, change),
};
