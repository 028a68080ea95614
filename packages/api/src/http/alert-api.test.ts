import { silentLogger } from '@socle/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertJournal } from '../alerts/alert-journal.ts';
import { JournalAlertStore } from '../alerts/journal-alert-store.ts';
import { makeAlert } from '../testing/alert-fixtures.ts';
import { JournalTriageStore } from '../triage/journal-triage-store.ts';
import { startAlertApi, type RunningAlertApi } from './alert-api.ts';
import { makeScopedAlert } from '../testing/scoped-alerts.ts';

let dir: string;
let journal: AlertJournal;
let api: RunningAlertApi;
let triage: JournalTriageStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-api-'));
  journal = await AlertJournal.open(dir);
  await journal.write([
    makeAlert({ id: 'a1', time: '2026-03-14T09:10:00Z', rule: 'web_shell', level: 'critical', host: 'web-01', sourceIp: '203.0.113.66' }),
    makeAlert({ id: 'a2', time: '2026-03-14T09:20:00Z', rule: 'ssh_brute_force', level: 'high', host: 'app-02', sourceIp: '203.0.113.66' }),
    makeAlert({ id: 'a3', time: '2026-03-14T09:30:00Z', rule: 'new_admin', level: 'high', host: 'dc-01', user: 'svc_backup' }),
  ]);
  triage = await JournalTriageStore.open(join(dir, 'triage'));
  api = await startAlertApi({ store: new JournalAlertStore(journal), triage, health: () => ({ alerts: journal.index.size }), logger: silentLogger }, '127.0.0.1', 0);
});
afterAll(async () => {
  await api?.close();
  await triage?.close();
  await journal?.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(api.url + path);
  return { status: res.status, body: await res.json() };
}

describe('alert API', () => {
  it('GET /healthz reports ok', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok', alerts: 3 } });
  });

  it('GET /alerts filters and pages newest first', async () => {
    const high = await get('/alerts?severity=high&size=1');
    expect(high.status).toBe(200);
    expect(high.body.total).toBe(2);
    expect(high.body.alerts.map((a: any) => a.event.id)).toEqual(['a3']);
    const next = await get(`/alerts?severity=high&size=1&cursor=${high.body.nextCursor}`);
    expect(next.body.alerts.map((a: any) => a.event.id)).toEqual(['a2']);
    expect(next.body.nextCursor).toBeUndefined();
    const byText = await get('/alerts?q=203.0.113.66&from=2026-03-14T09:15:00Z');
    expect(byText.body.alerts.map((a: any) => a.event.id)).toEqual(['a2']);
    const byHostAndRule = await get('/alerts?host=WEB-01&rule=web_shell,ssh_brute_force');
    expect(byHostAndRule.body.alerts.map((a: any) => a.event.id)).toEqual(['a1']);
  });

  it('GET /alerts/_counts counts by rule or severity', async () => {
    expect((await get('/alerts/_counts?by=severity')).body).toEqual({ by: 'severity', counts: [{ key: 'high', count: 2 }, { key: 'critical', count: 1 }] });
    expect((await get('/alerts/_counts?by=rule&user=svc_backup')).body.counts).toEqual([{ key: 'new_admin', count: 1 }]);
    expect((await get('/alerts/_counts?by=host')).status).toBe(400);
  });

  it('GET /alerts/:id returns the alert with its triage state, or 404 naming the id', async () => {
    const detail = await get('/alerts/a2');
    expect(detail.body.alert.rule.id).toBe('ssh_brute_force');
    expect(detail.body.triage).toMatchObject({ alertId: 'a2', status: 'open', tags: [] });
    expect(await get('/alerts/zzz')).toEqual({ status: 404, body: { error: "no alert with id 'zzz'" } });
  });

  it('answers 400 naming the bad parameter', async () => {
    expect(await get('/alerts?severity=urgent')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^severity: 'urgent'/) } });
    expect(await get('/alerts?from=soon')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^from: 'soon'/) } });
    expect(await get('/alerts?cursor=bogus')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^cursor:/) } });
  });

  it('refuses writes other than triage', async () => {
    const res = await fetch(api.url + '/alerts', { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
  });

  it('refuses unknown and repeated single-valued parameters, naming them', async () => {
    expect(await get('/alerts?colour=red')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^colour: unknown parameter/) } });
    expect(await get('/alerts?host=a&host=b')).toMatchObject({ status: 400, body: { error: 'host: given 2 times; give it once' } });
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const doc = await get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/alerts', '/alerts/{id}', '/alerts/{id}/history', '/alerts/{id}/triage']));
  });

  it('without a token store, refuses to listen beyond loopback', async () => {
    await expect(startAlertApi({ store: new JournalAlertStore(journal), logger: silentLogger }, '0.0.0.0', 0)).rejects.toThrow(/only listens on 127\.0\.0\.1/);
  });

  it('records triage changes as a trail, shows the state on the alert and filters by status', async () => {
    const post = (body: unknown) =>
      fetch(api.url + '/alerts/a1/triage', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post({ status: 'acknowledged', assignee: 'lan', addTags: ['webshell'] })).toMatchObject({ status: 200, body: { status: 'acknowledged', assignee: 'lan', tags: ['webshell'] } });
    expect(await post({ note: 'reimaging web-01' })).toMatchObject({ status: 200, body: { notes: [{ text: 'reimaging web-01', by: { tokenId: 'local' } }] } });
    expect(await post({ status: 'done' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^status:/) } });
    expect((await get('/alerts/a1')).body.triage).toMatchObject({ status: 'acknowledged', assignee: 'lan' });
    const history = (await get('/alerts/a1/history')).body;
    expect(history.entries.map((e: any) => e.change)).toEqual([{ status: 'acknowledged', assignee: 'lan', addTags: ['webshell'] }, { note: 'reimaging web-01' }]);
    expect((await get('/alerts?status=acknowledged')).body.alerts.map((a: any) => a.event.id)).toEqual(['a1']);
    expect((await get('/alerts?status=open')).body.alerts.map((a: any) => a.event.id)).toEqual(['a3', 'a2']);
    expect((await get('/alerts?size=1')).body.triage).toEqual({ a3: { status: 'open' } });
  });
});

describe('alert API filters and aggregations', () => {
  let store: AlertJournal;
  let server: RunningAlertApi;
  beforeAll(async () => {
    store = await AlertJournal.open(join(dir, 'filters'));
    await store.write([
      makeScopedAlert({ id: 'f1', time: '2026-03-14T09:05:00Z', org: 'org-a', technique: 'T1059.001', sourceIp: '198.51.100.7', rule: 'ps' }),
      makeScopedAlert({ id: 'f2', time: '2026-03-14T09:55:00Z', org: 'org-b', destinationIp: '198.51.100.7', rule: 'c2' }),
      makeScopedAlert({ id: 'f3', time: '2026-03-14T11:10:00Z', org: 'org-b', technique: 'T1486', rule: 'ransom', event: { message: 'vssadmin delete shadows' } }),
      makeScopedAlert({ id: 'f4', time: '2026-03-14T11:20:00Z', org: 'org-a', rule: 'spray', correlationEvents: ['e1', 'e2', 'e3'] }),
    ]);
    server = await startAlertApi({ store: new JournalAlertStore(store), logger: silentLogger }, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });
  const ids = async (qs: string) => ((await (await fetch(`${server.url}/alerts?${qs}`)).json()) as any).alerts.map((a: any) => a.event.id);

  it('filters by technique, address (source or destination) and organisation', async () => {
    expect(await ids('technique=T1059.001')).toEqual(['f1']);
    expect(await ids('technique=t1486,T1059.001')).toEqual(['f3', 'f1']);
    expect(await ids('ip=198.51.100.7')).toEqual(['f2', 'f1']);
    expect(await ids('organization=org-b')).toEqual(['f3', 'f2']);
    expect(await ids('q=t1486')).toEqual(['f3']);
  });

  it('counts by organisation and per time bucket', async () => {
    expect(await (await fetch(`${server.url}/alerts/_counts?by=organization`)).json()).toEqual({ by: 'organization', counts: [{ key: 'org-a', count: 2 }, { key: 'org-b', count: 2 }] });
    expect(await (await fetch(`${server.url}/alerts/_histogram?interval=1h`)).json()).toEqual({
      interval: 3_600_000,
      buckets: [
        { key: '2026-03-14T09:00:00.000Z', count: 2 },
        { key: '2026-03-14T11:00:00.000Z', count: 2 },
      ],
    });
    expect((await fetch(`${server.url}/alerts/_histogram?interval=1s`)).status).toBe(400);
  });

  it('returns member events: the included event of a detection, the member ids of a correlation', async () => {
    const detection = (await (await fetch(`${server.url}/alerts/f3`)).json()) as any;
    expect(detection.members).toEqual({ eventIds: ['ev-f3'], total: 1, events: [{ message: 'vssadmin delete shadows' }] });
    const correlation = (await (await fetch(`${server.url}/alerts/f4`)).json()) as any;
    expect(correlation.members).toEqual({ eventIds: ['e1', 'e2', 'e3'], total: 3, events: [] });
  });
});
