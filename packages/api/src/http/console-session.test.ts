import { silentLogger } from '@socle/core';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAccessAuditLog } from '../access/access-audit-log.ts';
import { MemoryTokenStore } from '../access/token-store.ts';
import { AlertJournal } from '../alerts/alert-journal.ts';
import { JournalAlertStore } from '../alerts/journal-alert-store.ts';
import { makeScopedAlert } from '../testing/scoped-alerts.ts';
import { JournalTriageStore } from '../triage/journal-triage-store.ts';
import { startAlertApi, type RunningAlertApi } from './alert-api.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './console-session.ts';

let clock = Date.parse('2026-11-23T12:00:00Z');
let dir: string;
let journal: AlertJournal;
let triage: JournalTriageStore;
let api: RunningAlertApi;
let laptop: RunningAlertApi;
const tokens = new MemoryTokenStore();
const audit = new MemoryAccessAuditLog();
let tokenA: string;
let tokenAId: string;
let shortToken: string;
let auditor: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-session-'));
  await mkdir(join(dir, 'ui'));
  await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'ui', 'console.js'), 'export {};');
  journal = await AlertJournal.open(join(dir, 'alerts'));
  await journal.write([
    makeScopedAlert({ id: 'a1', org: 'org-a', time: '2026-11-23T09:00:00Z' }),
    makeScopedAlert({ id: 'b1', org: 'org-b', time: '2026-11-23T09:10:00Z' }),
  ]);
  triage = await JournalTriageStore.open(join(dir, 'triage'));
  const a = tokens.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: '2026-12-31T00:00:00Z', createdBy: 'test' }, clock);
  tokenA = a.token;
  tokenAId = a.record.id;
  shortToken = tokens.create({ layer: 2, organizations: ['org-b'], role: 'analyst', expiresAt: '2026-11-23T12:10:00Z', createdBy: 'test' }, clock).token;
  auditor = tokens.create({ layer: 3, organizations: ['org-a'], role: 'auditor', expiresAt: '2026-12-01T00:00:00Z', createdBy: 'test' }, clock).token;
  const common = { store: new JournalAlertStore(journal), triage, logger: silentLogger, now: () => clock, console: { assetsDir: join(dir, 'ui') } };
  api = await startAlertApi({ ...common, tokens, audit }, '127.0.0.1', 0);
  laptop = await startAlertApi(common, '127.0.0.1', 0);
});
afterAll(async () => {
  await api?.close();
  await laptop?.close();
  await triage?.close();
  await journal?.close();
  await rm(dir, { recursive: true, force: true });
});

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { origin: api.url, 'content-type': 'application/json', ...extra };
}

async function signIn(token: string): Promise<{ cookie: string; csrf: string; body: any; setCookie: string }> {
  const res = await fetch(`${api.url}/api/session`, { method: 'POST', headers: headers(), body: JSON.stringify({ token }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie')!;
  const body = (await res.json()) as any;
  return { cookie: setCookie.split(';')[0], csrf: body.csrfToken, body, setCookie };
}

describe('console sessions', () => {
  it('exchanges a token for an HttpOnly SameSite=Strict cookie that ends before the token does', async () => {
    const s = await signIn(tokenA);
    expect(s.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600$`));
    expect(s.body).toMatchObject({ mode: 'token', principal: { tokenId: tokenAId, layer: 1, organizations: ['org-a'], role: 'analyst' }, expiresAt: '2026-11-23T13:00:00.000Z' });
    expect(JSON.stringify(s.body)).not.toContain(tokenA.split('_')[2]);
    const short = await signIn(shortToken);
    expect(short.body.expiresAt).toBe('2026-11-23T12:10:00.000Z');
    expect(short.setCookie).toContain('Max-Age=600');
  });

  it('scopes the session like the token: the cookie reads org-a alerts only', async () => {
    const { cookie } = await signIn(tokenA);
    const res = await fetch(`${api.url}/alerts`, { headers: { cookie } });
    expect(((await res.json()) as any).alerts.map((a: any) => a.event.id)).toEqual(['a1']);
    expect((await fetch(`${api.url}/alerts/b1`, { headers: { cookie } })).status).toBe(404);
    const me = await fetch(`${api.url}/api/session`, { headers: { cookie } });
    expect(((await me.json()) as any).principal.organizations).toEqual(['org-a']);
  });

  it('refuses a write without the CSRF token or from another origin', async () => {
    const { cookie, csrf } = await signIn(tokenA);
    const triage = (h: Record<string, string>) => fetch(`${api.url}/alerts/a1/triage`, { method: 'POST', headers: { cookie, ...h }, body: JSON.stringify({ status: 'acknowledged' }) });
    expect((await triage(headers())).status).toBe(403);
    expect((await triage(headers({ [CSRF_HEADER]: 'x'.repeat(43) }))).status).toBe(403);
    expect((await triage(headers({ [CSRF_HEADER]: csrf, origin: 'http://evil.example' }))).status).toBe(403);
    expect((await triage({ 'content-type': 'application/json', [CSRF_HEADER]: csrf })).status).toBe(403);
    expect((await triage(headers({ [CSRF_HEADER]: csrf, 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    const ok = await triage(headers({ [CSRF_HEADER]: csrf }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).status).toBe('acknowledged');
    expect(audit.entries.some((e) => e.status === 403 && e.reason?.startsWith('csrf'))).toBe(true);
  });

  it('keeps accepting bearer tokens for machines', async () => {
    const res = await fetch(`${api.url}/alerts`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(res.status).toBe(200);
  });

  it('refuses sign-in with a bad token, from another origin, or with other fields', async () => {
    const bad = await fetch(`${api.url}/api/session`, { method: 'POST', headers: headers(), body: JSON.stringify({ token: `${tokenA.slice(0, -4)}0000` }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const cross = await fetch(`${api.url}/api/session`, { method: 'POST', headers: headers({ origin: 'http://evil.example' }), body: JSON.stringify({ token: tokenA }) });
    expect(cross.status).toBe(403);
    const extra = await fetch(`${api.url}/api/session`, { method: 'POST', headers: headers(), body: JSON.stringify({ token: tokenA, layer: 2 }) });
    expect(extra.status).toBe(400);
    expect(audit.entries.some((e) => e.target === '/api/session' && e.status === 401)).toBe(true);
  });

  it('ends the session on sign-out, on revocation and at expiry', async () => {
    const s = await signIn(tokenA);
    const out = await fetch(`${api.url}/api/session`, { method: 'DELETE', headers: headers({ cookie: s.cookie, [CSRF_HEADER]: s.csrf }) });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${api.url}/alerts`, { headers: { cookie: s.cookie } })).status).toBe(401);

    const revoked = tokens.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: '2026-12-31T00:00:00Z', createdBy: 'test' }, clock);
    const r = await signIn(revoked.token);
    tokens.revoke(revoked.record.id, clock);
    expect((await fetch(`${api.url}/api/session`, { headers: { cookie: r.cookie } })).status).toBe(401);

    const e = await signIn(tokenA);
    clock += 3_600_000;
    try {
      expect((await fetch(`${api.url}/alerts`, { headers: { cookie: e.cookie } })).status).toBe(401);
    } finally {
      clock -= 3_600_000;
    }
  });

  it('keeps auditor sessions read-only and audited', async () => {
    const s = await signIn(auditor);
    expect(s.body.principal.readOnly).toBe(true);
    const before = audit.entries.length;
    expect((await fetch(`${api.url}/alerts`, { headers: { cookie: s.cookie } })).status).toBe(200);
    expect(audit.entries.length).toBe(before + 1);
    const write = await fetch(`${api.url}/alerts/a1/triage`, { method: 'POST', headers: headers({ cookie: s.cookie, [CSRF_HEADER]: s.csrf }), body: '{"status":"closed"}' });
    expect(write.status).toBe(403);
  });

  it('serves the console page with a strict content policy, and redirects / to it', async () => {
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await fetch(`${api.url}/ui/?severity=high`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${api.url}/ui/console.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${api.url}/ui/../package.json`)).status).not.toBe(200);
    expect((await fetch(`${api.url}/ui/%2e%2e%2fpackage.json`)).status).toBe(404);
  });

  it('tells the page when the API runs in laptop mode (no sign-in)', async () => {
    expect(await (await fetch(`${laptop.url}/api/session`)).json()).toEqual({ mode: 'laptop' });
  });
});
