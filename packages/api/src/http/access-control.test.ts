/**
 * Adversarial access-control suite: the real HTTP server on 127.0.0.1 over an embedded journal holding alerts of
 * several organisations, probed with tokens of every layer plus expired, revoked, forged and malformed ones, on every
 * resource, with tampered filters, injected values, traversal in ids and oversized inputs. Every response is checked
 * for the private markers of alerts outside the caller's scope; the counts are printed at the end.
 */
import { createLogger } from '@socle/core';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessAuditLog } from '../access/access-audit-log.ts';
import { FileTokenStore, mintToken } from '../access/token-store.ts';
import type { Layer, Role } from '../access/principal.ts';
import { AlertJournal } from '../alerts/alert-journal.ts';
import { encodeCursor } from '../alerts/cursor.ts';
import { JournalAlertStore } from '../alerts/journal-alert-store.ts';
import { JournalTriageStore } from '../triage/journal-triage-store.ts';
import { startAlertApi, type RunningAlertApi } from './alert-api.ts';
import { makeScopedAlert } from '../testing/scoped-alerts.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
let clock = NOW;

/** The seeded alerts; `marker` is a private value no client ever sends, so finding it in a response means a leak. */
const ALERTS = [
  { id: 'alert-a1', org: 'org-a', level: 'high', rule: 'web_shell', technique: 'T1505.003', host: 'web-a', sourceIp: '10.1.0.1', time: '2026-11-23T09:00:00Z', event: true },
  { id: 'alert-a2', org: 'org-a', level: 'critical', rule: 'ransom', technique: 'T1486', host: 'fs-a', destinationIp: '10.1.0.2', time: '2026-11-23T09:10:00Z', shared: true },
  { id: 'alert-b1', org: 'org-b', level: 'high', rule: 'web_shell', technique: 'T1505.003', host: 'web-b', sourceIp: '10.2.0.1', time: '2026-11-23T09:20:00Z', shared: true, event: true },
  { id: 'alert-b2', org: 'org-b', level: 'low', rule: 'ssh_brute', host: 'app-b', user: 'root', time: '2026-11-23T09:30:00Z' },
  { id: 'alert-c1', org: 'org-c', level: 'medium', rule: 'ransom', technique: 'T1486', host: 'fs-c', sourceIp: '10.1.0.1', time: '2026-11-23T09:40:00Z', shared: true, event: true },
  { id: 'alert-ab', org: ['org-a', 'org-b'], level: 'high', rule: 'spray', host: 'dc-ab', time: '2026-11-23T09:50:00Z', correlation: true },
  { id: 'alert-none', level: 'critical', rule: 'orphan', host: 'lost', time: '2026-11-23T10:00:00Z', shared: true },
] as const;
const marker = (id: string) => `MARK${id.replace(/[^a-z0-9]/g, '').toUpperCase()}Q`;
const rawMarker = (id: string) => `RAWEVENT${id.replace(/[^a-z0-9]/g, '').toUpperCase()}Q`;
const ALL_IDS = ALERTS.map((a) => a.id);

interface Principal {
  name: string;
  layer: Layer;
  orgs: string[];
  role: Role;
  /** Alert ids this principal must see, written out by hand (not computed by the code under test). */
  sees: string[];
  readOnly: boolean;
}

const PRINCIPALS: Principal[] = [
  { name: 'L1 org-a analyst', layer: 1, orgs: ['org-a'], role: 'analyst', sees: ['alert-a1', 'alert-a2'], readOnly: false },
  { name: 'L1 org-b admin', layer: 1, orgs: ['org-b'], role: 'admin', sees: ['alert-b1', 'alert-b2'], readOnly: false },
  { name: 'L2 org-a+org-b', layer: 2, orgs: ['org-a', 'org-b'], role: 'analyst', sees: ['alert-a1', 'alert-a2', 'alert-b1', 'alert-b2', 'alert-ab'], readOnly: false },
  { name: 'L2 org-c', layer: 2, orgs: ['org-c'], role: 'analyst', sees: ['alert-c1'], readOnly: false },
  { name: 'L3 auditor org-a', layer: 3, orgs: ['org-a'], role: 'auditor', sees: ['alert-a1', 'alert-a2'], readOnly: true },
  { name: 'L4 national', layer: 4, orgs: [], role: 'national', sees: ['alert-a2', 'alert-b1', 'alert-c1'], readOnly: true },
  { name: 'L4 national org-b', layer: 4, orgs: ['org-b'], role: 'national', sees: ['alert-b1'], readOnly: true },
];

let dir: string;
let journal: AlertJournal;
let triage: JournalTriageStore;
let tokens: FileTokenStore;
let audit: FileAccessAuditLog;
let api: RunningAlertApi;
const tokenOf = new Map<string, string>();
const tokenIdOf = new Map<string, string>();
const badTokens: { name: string; header: string | undefined }[] = [];
const outcomes = { allowed: 0, denied: 0 };
const serverLog: string[] = [];

interface Reply {
  status: number;
  text: string;
  body: any;
}

/** Raw HTTP so that paths are sent exactly as written (fetch would normalise `..` and encodings). */
function send(method: string, path: string, headers: Record<string, string | string[]> = {}, body?: string): Promise<Reply> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Layer 4 receives shared views (`alertId`), the other layers stored alerts (`event.id`). */
function idOf(a: any): string {
  return a.event?.id ?? a.alertId;
}

function auth(header: string | undefined): Record<string, string> {
  return header === undefined ? {} : { authorization: header };
}

/** Records the outcome and checks that nothing outside `sees` leaked (alert markers, raw events for layer 4). */
function judge(reply: Reply, sees: readonly string[], opts: { layer?: number } = {}): Reply {
  if (reply.status >= 200 && reply.status < 300) outcomes.allowed++;
  else outcomes.denied++;
  for (const id of ALL_IDS) {
    if (!sees.includes(id)) expect(reply.text, `leak of ${id}`).not.toContain(marker(id));
    if (!sees.includes(id) || opts.layer === 4) expect(reply.text, `raw event of ${id}`).not.toContain(rawMarker(id));
  }
  return reply;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-access-'));
  journal = await AlertJournal.open(join(dir, 'alerts'));
  await journal.write(
    ALERTS.map((a) => {
      const alert = makeScopedAlert({
        ...a,
        org: 'org' in a ? (a.org as string | string[]) : undefined,
        event: 'event' in a ? { message: rawMarker(a.id), host: { name: a.host } } : undefined,
        correlationEvents: 'correlation' in a ? ['ev-1', 'ev-2'] : undefined,
      });
      alert.labels = { marker: marker(a.id) };
      return alert;
    }),
  );
  triage = await JournalTriageStore.open(join(dir, 'triage'));
  tokens = new FileTokenStore(join(dir, 'tokens.json'));
  for (const p of PRINCIPALS) {
    const created = tokens.create({ layer: p.layer, organizations: p.orgs, role: p.role, expiresAt: new Date(NOW + 86_400_000).toISOString(), createdBy: 'test' }, NOW);
    tokenOf.set(p.name, `Bearer ${created.token}`);
    tokenIdOf.set(p.name, created.record.id);
  }
  const revoked = tokens.create({ layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst', expiresAt: new Date(NOW + 86_400_000).toISOString(), createdBy: 'test' }, NOW);
  tokens.revoke(revoked.record.id, NOW);
  // An expired token: minted two days ago for one day.
  const expired = mintToken({ layer: 2, organizations: ['org-a', 'org-b'], role: 'admin', expiresAt: new Date(NOW - 86_400_000).toISOString(), createdBy: 'test' }, NOW - 2 * 86_400_000);
  tokens.put(expired.record);
  const valid = tokenOf.get('L2 org-a+org-b')!.slice('Bearer '.length);
  const [, id, secret] = /^socle_([0-9a-f]+)_([0-9a-f]+)$/.exec(valid)!;
  const flipped = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
  badTokens.push(
    { name: 'no token', header: undefined },
    { name: 'expired', header: `Bearer ${expired.token}` },
    { name: 'revoked', header: `Bearer ${revoked.token}` },
    { name: 'forged secret', header: `Bearer socle_${id}_${flipped}` },
    { name: 'unknown id', header: `Bearer socle_0123456789abcdef_${secret}` },
    { name: 'malformed: no scheme', header: valid },
    { name: 'malformed: basic', header: `Basic ${Buffer.from(`x:${valid}`).toString('base64')}` },
    { name: 'malformed: truncated', header: `Bearer ${valid.slice(0, -2)}` },
    { name: 'malformed: two tokens', header: `Bearer ${valid} ${valid}` },
    { name: 'malformed: empty bearer', header: 'Bearer ' },
    { name: 'malformed: JSON', header: 'Bearer {"layer":2,"organizations":["org-a"]}' },
    { name: 'malformed: huge', header: `Bearer ${'a'.repeat(4000)}` },
  );
  audit = new FileAccessAuditLog(join(dir, 'audit', 'access.ndjson'));
  api = await startAlertApi({ store: new JournalAlertStore(journal), triage, tokens, audit, now: () => clock, logger: createLogger({ format: 'text', write: (line) => serverLog.push(line) }) }, '127.0.0.1', 0);
});

afterAll(async () => {
  await api?.close();
  await triage?.close();
  await journal?.close();
  await rm(dir, { recursive: true, force: true });
  const total = outcomes.allowed + outcomes.denied;
  console.log(`access-control suite: ${outcomes.allowed} allowed, ${outcomes.denied} denied, ${total} total requests`);
});

const READ_PATHS = ['/alerts', '/alerts/_counts?by=organization', '/alerts/_histogram?interval=1h', '/alerts/alert-a1', '/alerts/alert-a1/history', '/openapi.json', '/healthz'];

describe('unauthenticated requests', () => {
  it('expired, revoked, forged, unknown and malformed tokens get 401 on every resource, with the same body', async () => {
    for (const bad of badTokens) {
      for (const path of READ_PATHS) {
        const r = judge(await send('GET', path, auth(bad.header)), []);
        expect(r.status, `${bad.name} GET ${path}`).toBe(401);
        expect(r.body, `${bad.name} GET ${path}`).toEqual({ error: 'invalid or expired token' });
      }
      const w = judge(await send('POST', '/alerts/alert-a1/triage', { ...auth(bad.header), 'content-type': 'application/json' }, '{"status":"closed"}'), []);
      expect(w.status, `${bad.name} POST triage`).toBe(401);
    }
    expect((await triage.history('alert-a1')).length).toBe(0);
  });

  it('logs the reason server-side without the secret', () => {
    const secret = tokenOf.get('L2 org-a+org-b')!.split('_')[2];
    expect(serverLog.some((l) => / reason=forged tokenId=[0-9a-f]{16}\b/.test(l))).toBe(true);
    expect(serverLog.some((l) => / reason="?revoked\b/.test(l))).toBe(true);
    expect(serverLog.some((l) => / reason="?expired\b/.test(l))).toBe(true);
    expect(serverLog.join('\n')).not.toContain(secret);
  });
});

describe.each(PRINCIPALS)('$name', (p) => {
  const h = () => auth(tokenOf.get(p.name));

  it('search returns exactly the alerts in scope', async () => {
    const r = judge(await send('GET', '/alerts?size=1000', h()), p.sees, p);
    expect(r.status).toBe(200);
    expect(r.body.alerts.map((a: any) => idOf(a)).sort()).toEqual([...p.sees].sort());
    expect(r.body.total).toBe(p.sees.length);
  });

  it('tampered filters never widen the scope', async () => {
    const tampered = [
      'organization=org-a', 'organization=org-b', 'organization=org-c', 'organization=org-a&organization=org-b&organization=org-c',
      'organization=org-a,org-b,org-c', 'organization=*', 'organization=', 'organization[]=org-b', 'organization[0]=org-c', 'org=org-b',
      'q={"organization":{"id":"org-b"}}', 'q=org-b', 'q=") OR 1=1 --', 'q=*', 'q={"$ne":null}', 'q=%00', 'q=web',
      'host=web-b', 'host=fs-c', 'ip=10.1.0.1', 'ip=10.2.0.1', 'technique=T1505.003', 'technique=T1486', 'rule=web_shell,ransom,spray,orphan',
      'user=root', 'severity=critical', 'status=open', 'status=open,acknowledged,closed', 'sharedOnly=false', 'ids=alert-b1',
      `cursor=${encodeCursor({ timeMs: Date.parse('2026-11-23T11:00:00Z'), id: 'alert-b1' })}`, 'from=0&to=9999999999999', 'size=1000&size=1',
      '__proto__[organization]=org-b', 'constructor=x', 'organization=org-a%26organization%3Dorg-b',
    ];
    for (const qs of tampered) {
      for (const path of ['/alerts', '/alerts/_counts', '/alerts/_counts?by=organization&', '/alerts/_histogram']) {
        const r = judge(await send('GET', `${path}${path.endsWith('&') ? '' : '?'}${encodeURI(qs).replace(/#/g, '%23')}`, h()), p.sees, p);
        expect([200, 400], `${path} ${qs}`).toContain(r.status);
        if (r.status !== 200) continue;
        if (r.body.alerts) for (const a of r.body.alerts) expect(p.sees, `${qs}`).toContain(idOf(a));
        if (r.body.by === 'organization') for (const c of r.body.counts) expect(p.orgs.length === 0 || p.orgs.includes(c.key), `${qs} count key ${c.key}`).toBe(true);
        const sum = (r.body.counts ?? r.body.buckets ?? []).reduce((n: number, c: any) => n + c.count, 0);
        if (r.body.by !== 'organization' && (r.body.counts || r.body.buckets)) expect(sum, `${path} ${qs}`).toBeLessThanOrEqual(p.sees.length);
      }
    }
  });

  it('reads the OpenAPI document and health, which reveal no alert counts', async () => {
    const doc = judge(await send('GET', '/openapi.json', h()), p.sees, p);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(judge(await send('GET', '/healthz', h()), p.sees, p)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('aggregations count only the alerts in scope', async () => {
    for (const by of ['rule', 'severity']) {
      const r = judge(await send('GET', `/alerts/_counts?by=${by}`, h()), p.sees, p);
      expect(r.body.counts.reduce((n: number, c: any) => n + c.count, 0)).toBe(p.sees.length);
    }
    const hist = judge(await send('GET', '/alerts/_histogram?interval=1d', h()), p.sees, p);
    expect(hist.body.buckets.reduce((n: number, c: any) => n + c.count, 0)).toBe(p.sees.length);
  });

  it('direct access by id: 200 in scope, 404 outside (never 403, but layer 4 has no history), same body as an unknown id', async () => {
    for (const id of [...ALL_IDS, 'alert-zz']) {
      for (const suffix of ['', '/history']) {
        const r = judge(await send('GET', `/alerts/${id}${suffix}`, h()), p.sees, p);
        if (p.layer === 4 && suffix === '/history') expect(r.status, `${id}${suffix}`).toBe(403);
        else if (p.sees.includes(id)) expect(r.status, `${id}${suffix}`).toBe(200);
        else expect(r, `${id}${suffix}`).toMatchObject({ status: 404, body: { error: `no alert with id '${id}'` } });
      }
    }
  });

  it('layer 4 receives the shared view only; others get the event the store has', async () => {
    for (const id of p.sees) {
      const r = judge(await send('GET', `/alerts/${id}`, h()), p.sees, p);
      const stored = ALERTS.find((a) => a.id === id)!;
      if (p.layer === 4) {
        expect(Object.keys(r.body)).toEqual(['alert']);
        continue;
      }
      expect(r.body.members.events.length).toBe('event' in stored ? 1 : 0);
      if ('correlation' in stored) expect(r.body.members.eventIds).toEqual(['ev-1', 'ev-2']);
    }
  });

  it('traversal, encodings and junk in ids never reach another alert', async () => {
    const paths = [
      '/alerts/..%2Falert-b1', '/alerts/%2e%2e/alert-b1', '/alerts/alert-a1%2F..%2F..%2Falert-b1', '/alerts/alert-b1%00', '/alerts/alert-b1;org=org-a',
      '/alerts/./alert-c1', '/alerts/alert-a1/../alert-b1', '/alerts/..%5Calert-c1', '/alerts/%E0%A4%A', '/alerts/' + 'x'.repeat(3000),
      '/alerts/alert-b1?organization=org-b', '/alerts/ALERT-B1', '/alerts/alert-b1%20', '/alerts//alert-b1', '/alerts/alert-c1/history/../',
      '/alerts/%61lert-c1', '/../alerts/alert-b1', '/alerts/_counts/../alert-c1', '/alerts/{"$ne":null}',
    ];
    for (const path of paths) {
      const r = judge(await send('GET', path, h()), p.sees, p);
      expect([200, 400, 404], path).toContain(r.status);
      if (r.status === 200 && r.body.alert) expect(p.sees, path).toContain(idOf(r.body.alert));
    }
  });

  it('headers cannot widen the scope', async () => {
    const other = p.name === 'L2 org-c' ? 'L1 org-a analyst' : 'L2 org-c';
    const variants: Record<string, string | string[]>[] = [
      { ...h(), 'x-organization': 'org-c', 'x-forwarded-for': '127.0.0.1', 'x-socle-layer': '4' },
      { authorization: [tokenOf.get(p.name)!, tokenOf.get(other)!] },
      { authorization: `${tokenOf.get(p.name)!}, ${tokenOf.get(other)!}` },
    ];
    for (const headers of variants) {
      const r = judge(await send('GET', '/alerts?size=1000', headers), p.sees, p);
      if (r.status === 200) expect(r.body.alerts.map((a: any) => idOf(a)).sort()).toEqual([...p.sees].sort());
      else expect(r.status).toBe(401);
    }
  });

  it('triage writes: read-only tokens get 403 on any id; others write in scope and get 404 outside', async () => {
    for (const id of [...ALL_IDS, 'alert-zz']) {
      const r = judge(await send('POST', `/alerts/${id}/triage`, { ...h(), 'content-type': 'application/json' }, JSON.stringify({ addTags: ['probe'], note: `by ${p.name}` })), p.sees, p);
      if (p.readOnly) expect(r.status, id).toBe(403);
      else if (p.sees.includes(id)) expect(r.status, id).toBe(200);
      else expect(r.status, id).toBe(404);
    }
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = judge(await send(method, '/alerts/alert-a1', h()), p.sees, p);
      expect(r.status).toBe(p.readOnly ? 403 : 405);
    }
  });

  it('oversized inputs are refused', async () => {
    expect(judge(await send('GET', `/alerts?q=${'x'.repeat(5000)}`, h()), p.sees, p).status).toBe(400);
    expect(judge(await send('GET', `/alerts?q=${'x'.repeat(9000)}`, h()), p.sees, p).status).toBe(414);
    expect(judge(await send('GET', `/alerts?rule=${Array.from({ length: 200 }, (_, i) => `r${i}`).join(',')}`, h()), p.sees, p).status).toBe(400);
    expect(judge(await send('GET', '/alerts?size=100000', h()), p.sees, p).status).toBe(400);
    if (!p.readOnly) {
      const big = JSON.stringify({ note: 'n'.repeat(100_000) });
      expect(judge(await send('POST', `/alerts/${p.sees[0]}/triage`, { ...h(), 'content-type': 'application/json' }, big), p.sees, p).status).toBe(413);
    }
  });
});

describe('triage across organisations', () => {
  it('a change by one organisation is invisible to another, and body fields cannot redirect it', async () => {
    const b = auth(tokenOf.get('L1 org-b admin'));
    const closed = await send('POST', '/alerts/alert-b2/triage', { ...b, 'content-type': 'application/json' }, JSON.stringify({ status: 'closed', assignee: 'bob', note: 'false positive' }));
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', assignee: 'bob' });
    const redirect = await send('POST', '/alerts/alert-b2/triage', { ...b, 'content-type': 'application/json' }, JSON.stringify({ status: 'open', alertId: 'alert-a1', organization: 'org-a' }));
    expect(redirect.status).toBe(400);
    expect(redirect.body.error).toMatch(/^alertId: not a triage field/);
    const notJson = await send('POST', '/alerts/alert-b2/triage', { ...b, 'content-type': 'text/plain' }, 'status=open');
    expect(notJson.status).toBe(415);

    const a = auth(tokenOf.get('L1 org-a analyst'));
    const search = judge(await send('GET', '/alerts?status=closed', a), ['alert-a1', 'alert-a2']);
    expect(search.body.alerts).toEqual([]);
    const history = judge(await send('GET', '/alerts/alert-b2/history', a), ['alert-a1', 'alert-a2']);
    expect(history.status).toBe(404);

    const soc = judge(await send('GET', '/alerts?status=closed', auth(tokenOf.get('L2 org-a+org-b'))), PRINCIPALS[2].sees);
    expect(soc.body.alerts.map((x: any) => x.event.id)).toEqual(['alert-b2']);
    const trail = (await send('GET', '/alerts/alert-b2/history', auth(tokenOf.get('L2 org-a+org-b')))).body.entries;
    expect(trail.at(-1)).toMatchObject({ by: { tokenId: tokenIdOf.get('L1 org-b admin'), layer: 1 }, change: { status: 'closed', assignee: 'bob' } });
  });
});

describe('auditor (layer 3)', () => {
  it('every read is written to the access audit trail', async () => {
    const id = tokenIdOf.get('L3 auditor org-a')!;
    const before = (await audit.readAll()).filter((e) => e.tokenId === id).length;
    const h = auth(tokenOf.get('L3 auditor org-a'));
    for (const path of ['/alerts', '/alerts/alert-a1', '/alerts/alert-a1/history', '/alerts/_counts', '/alerts/alert-b1']) await send('GET', path, h);
    const entries = (await audit.readAll()).filter((e) => e.tokenId === id);
    expect(entries.length - before).toBe(5);
    expect(entries.at(-1)).toMatchObject({ method: 'GET', target: '/alerts/alert-b1', status: 404, layer: 3 });
    expect(entries.at(-5)).toMatchObject({ target: '/alerts', status: 200, count: 2 });
    expect((await stat(audit.path)).mode & 0o777).toBe(0o600);
  });

  it('loses access once the token expires', async () => {
    const h = auth(tokenOf.get('L3 auditor org-a'));
    expect((await send('GET', '/alerts', h)).status).toBe(200);
    clock = NOW + 86_400_000 + 1;
    try {
      expect(judge(await send('GET', '/alerts', h), []).status).toBe(401);
    } finally {
      clock = NOW;
    }
  });
});

describe('revocation', () => {
  it('takes effect on the running server as soon as the token file changes', async () => {
    const created = tokens.create({ layer: 1, organizations: ['org-c'], role: 'analyst', expiresAt: new Date(NOW + 3_600_000).toISOString(), createdBy: 'test' }, NOW);
    const h = auth(`Bearer ${created.token}`);
    expect((await send('GET', '/alerts', h)).status).toBe(200);
    // Another process (the CLI) revokes through its own view of the file.
    new FileTokenStore(tokens.path).revoke(created.record.id, NOW);
    expect(judge(await send('GET', '/alerts', h), []).status).toBe(401);
    expect((await stat(tokens.path)).mode & 0o777).toBe(0o600);
  });
});
