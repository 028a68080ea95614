// Black-box adversarial suite of the access layer, in both modes: `socle run` (EmbeddedService, journal store) and
// `socle serve` (startServeApi, here over the journal store instead of Elasticsearch), on 127.0.0.1, sharing one
// token store. Three organisations plus a SOC, tokens of every layer and role, every route; each answer is compared
// with the reference model (layer-model.ts), every forbidden write must be refused and audited, bad requests get a
// clear 4xx, and both servers keep serving. Runs in the unit project (no Kafka or Elasticsearch).
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertJournal, FileTokenStore, JournalAlertStore, type AccessAuditEntry } from '@socle/api';
import { createJsonLogger, EmbeddedService, runConfigSchema, startServeApi, type RunningServeApi } from '@socle/runtime';
import { buildAlert, personal } from './access-fixtures.ts';
import { countsByOrganization, dataOrganizations, managesToken, mayReload, mayWriteTriage, visibleIds, type ModelAlert, type ModelPrincipal } from './layer-model.ts';

const SOC = 'soc-hanoi';
const T = (m: number) => new Date(Date.parse('2026-11-23T08:00:00Z') + m * 60_000).toISOString();
const ALERTS: ModelAlert[] = [
  { id: 'a-1', org: 'org-a', shared: true, level: 'high', rule: 'brute', time: T(1) },
  { id: 'a-2', org: 'org-a', shared: false, level: 'low', rule: 'sudo', time: T(2) },
  { id: 'b-1', org: 'org-b', shared: true, level: 'critical', rule: 'webshell', time: T(3) },
  { id: 'b-2', org: 'org-b', shared: false, level: 'medium', rule: 'brute', time: T(4) },
  { id: 'c-1', org: 'org-c', shared: true, level: 'high', rule: 'ransom', time: T(70) },
  { id: 'c-2', org: 'org-c', shared: false, level: 'medium', rule: 'sudo', time: T(80) },
  { id: 'soc-ab', org: SOC, members: ['org-a', 'org-b'], shared: true, level: 'critical', rule: 'spray', time: T(90) },
  { id: 'soc-abc', org: SOC, members: ['org-a', 'org-b', 'org-c'], shared: false, level: 'high', rule: 'spray', time: T(100) },
  { id: 'soc-bad', org: SOC, members: [], shared: false, level: 'high', rule: 'spray', time: T(110) },
  { id: 'orphan', shared: false, level: 'critical', rule: 'orphan', time: T(120) },
];
const IDS = ALERTS.map((a) => a.id);

const PRINCIPALS: ModelPrincipal[] = [
  { name: 'L1 org-a analyst', layer: 1, organizations: ['org-a'], role: 'analyst' },
  { name: 'L1 org-b analyst', layer: 1, organizations: ['org-b'], role: 'analyst' },
  { name: 'L1 org-c admin', layer: 1, organizations: ['org-c'], role: 'admin' },
  { name: 'L2 SOC a+b analyst', layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst' },
  { name: 'L2 SOC a+b+c org admin', layer: 2, organizations: ['org-a', 'org-b', 'org-c'], role: 'admin' },
  { name: 'L2 central admin (org-c)', layer: 2, organizations: ['org-c'], role: 'admin', central: true },
  { name: 'L3 auditor a+b', layer: 3, organizations: ['org-a', 'org-b'], role: 'auditor' },
  { name: 'L4 national', layer: 4, organizations: [], role: 'national' },
  { name: 'L4 national org-b', layer: 4, organizations: ['org-b'], role: 'national' },
];
const NOW = Date.now();

interface Reply {
  status: number;
  text: string;
  body: any;
}

interface Mode {
  name: 'run' | 'serve';
  url: string;
  port: number;
  auditFile: string;
  serverLog: string[];
}

let dir: string;
let tokens: FileTokenStore;
const tokenOf = new Map<string, string>();
const tokenIdOf = new Map<string, string>();
let service: EmbeddedService | undefined;
let serveApi: RunningServeApi | undefined;
let serveJournal: AlertJournal | undefined;
const modes: Mode[] = [];
const tally = { allowed: 0, denied: 0 };

function send(mode: Mode, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: mode.port, method, path, headers: { host: `127.0.0.1:${mode.port}`, ...headers } }, (res) => {
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
        if (res.statusCode! < 400) tally.allowed++;
        else tally.denied++;
        resolve({ status: res.statusCode!, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = (p: ModelPrincipal) => ({ authorization: `Bearer ${tokenOf.get(p.name)!}` });
const json = { 'content-type': 'application/json' };

/** Nothing of an alert outside `sees` (marker, raw event, personal data), and nothing personal at all for layer 4. */
function expectNoLeak(reply: Reply, p: ModelPrincipal, context: string): void {
  const sees = visibleIds(p, ALERTS);
  for (const id of IDS) {
    const hidden = !sees.includes(id) || p.layer === 4;
    if (!hidden) continue;
    for (const secret of [personal.marker(id), personal.raw(id), personal.user(id), personal.host(id), personal.address(id)]) {
      expect(reply.text, `${context}: ${secret} reached ${p.name}`).not.toContain(secret);
    }
  }
  if (p.layer === 4) {
    for (const other of PRINCIPALS) expect(reply.text, `${context}: token id reached layer 4`).not.toContain(tokenIdOf.get(other.name)!);
    expect(reply.text, `${context}: triage reached layer 4`).not.toMatch(/NOTE-|assignee-/);
  }
}

async function auditOf(mode: Mode): Promise<AccessAuditEntry[]> {
  const text = await readFile(mode.auditFile, 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AccessAuditEntry);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-access-layer-'));
  tokens = new FileTokenStore(join(dir, 'tokens.json'));
  for (const p of PRINCIPALS) {
    const created = tokens.create({ layer: p.layer, organizations: p.organizations, role: p.role, ...(p.central ? { central: true } : {}), expiresAt: new Date(NOW + 86_400_000).toISOString(), createdBy: 'suite' }, NOW);
    tokenOf.set(p.name, created.token);
    tokenIdOf.set(p.name, created.record.id);
  }
  const alerts = ALERTS.map(buildAlert);

  // socle run: the journal is written before the service starts, as if earlier runs had detected these alerts.
  const runData = join(dir, 'run');
  const seed = await AlertJournal.open(join(runData, 'alerts'));
  await seed.write(alerts);
  await seed.close();
  const runLog: string[] = [];
  const config = runConfigSchema.parse({
    dataDir: runData,
    inputs: [{ type: 'stdin', organization: 'org-a', format: 'json' }],
    api: { listen: '127.0.0.1:0', tokens: tokens.path },
  });
  service = new EmbeddedService(config, { stdin: new PassThrough(), log: (m) => runLog.push(m) });
  await service.start();
  const runUrl = service.apiUrl!;
  modes.push({ name: 'run', url: runUrl, port: Number(new URL(runUrl).port), auditFile: join(runData, 'audit', 'access.ndjson'), serverLog: runLog });

  // socle serve: its API assembly over the journal store (Elasticsearch is the only difference, and an adapter).
  serveJournal = await AlertJournal.open(join(dir, 'serve', 'alerts'));
  await serveJournal.write(alerts);
  const serveLog: string[] = [];
  serveApi = await startServeApi({
    api: { listen: '127.0.0.1:0', tokens: tokens.path, audit: join(dir, 'serve', 'audit.ndjson'), triage: join(dir, 'serve', 'triage') },
    store: new JournalAlertStore(serveJournal),
    reload: async () => ({ status: 'applied', trigger: 'admin', loaded: 1, rejections: [], state: { kept: [], reset: [], added: [], removed: [] } }),
    logger: createJsonLogger((line) => serveLog.push(line)),
  });
  modes.push({ name: 'serve', url: serveApi.url, port: Number(new URL(serveApi.url).port), auditFile: join(dir, 'serve', 'audit.ndjson'), serverLog: serveLog });

  // Triage by the on-site teams, with notes and assignees layer 4 must never see.
  const full = PRINCIPALS.find((p) => p.name === 'L2 SOC a+b+c org admin')!;
  for (const mode of modes) {
    for (const a of ALERTS.filter((x) => visibleIds(full, ALERTS).includes(x.id))) {
      const r = await send(mode, 'POST', `/alerts/${a.id}/triage`, { ...auth(full), ...json }, JSON.stringify({ status: 'acknowledged', assignee: `assignee-${a.id}`, note: `NOTE-${a.id}` }));
      expect(r.status, `${mode.name} triage ${a.id}`).toBe(200);
    }
  }
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await serveApi?.close();
  await serveJournal?.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`access-layer suite: ${tally.allowed} allowed, ${tally.denied} denied, ${tally.allowed + tally.denied} total requests`);
});

describe.each(['run', 'serve'] as const)('socle %s', (modeName) => {
  const mode = () => modes.find((m) => m.name === modeName)!;

  describe.each(PRINCIPALS)('$name', (p) => {
    const ref = visibleIds(p, ALERTS);

    it('search, counts and histogram return exactly the reference scope', async () => {
      const list = await send(mode(), 'GET', '/alerts?size=1000', auth(p));
      expect(list.status).toBe(200);
      expectNoLeak(list, p, 'search');
      const ids = list.body.alerts.map((a: any) => (p.layer === 4 ? a.alertId : a.event.id)).sort();
      expect(ids).toEqual(ref);
      expect(list.body.total).toBe(ref.length);
      if (p.layer === 4) expect(list.body.triage).toBeUndefined();
      else expect(Object.keys(list.body.triage).sort()).toEqual(ref);

      for (const by of ['rule', 'severity']) {
        const r = await send(mode(), 'GET', `/alerts/_counts?by=${by}`, auth(p));
        expect(r.status).toBe(200);
        expect(r.body.counts.reduce((n: number, c: any) => n + c.count, 0), by).toBe(ref.length);
      }
      const orgs = await send(mode(), 'GET', '/alerts/_counts?by=organization', auth(p));
      expect(Object.fromEntries(orgs.body.counts.map((c: any) => [c.key, c.count]))).toEqual(countsByOrganization(p, ALERTS));
      const hist = await send(mode(), 'GET', '/alerts/_histogram?interval=1h', auth(p));
      expect(hist.body.buckets.reduce((n: number, b: any) => n + b.count, 0)).toBe(ref.length);
    });

    it('detail and history: 200 in scope, 404 outside (layer 4: shared view only, no history)', async () => {
      for (const id of [...IDS, 'no-such-alert']) {
        const detail = await send(mode(), 'GET', `/alerts/${id}`, auth(p));
        expectNoLeak(detail, p, `detail ${id}`);
        if (!ref.includes(id)) {
          expect(detail, id).toMatchObject({ status: 404, body: { error: `no alert with id '${id}'` } });
        } else if (p.layer === 4) {
          expect(detail.status).toBe(200);
          expect(Object.keys(detail.body)).toEqual(['alert']);
          expect(detail.body.alert).toMatchObject({ alertId: id, tlp: 'AMBER' });
          expect(detail.body.alert.affected.users.every((u: string) => /^user-[0-9a-f]{20}$/.test(u))).toBe(true);
        } else {
          expect(detail.status).toBe(200);
          expect(detail.body.alert.event.id).toBe(id);
          expect(detail.body.triage).toMatchObject({ status: 'acknowledged', assignee: `assignee-${id}` });
          expect(detail.body.members.events).toHaveLength(1);
        }
        const history = await send(mode(), 'GET', `/alerts/${id}/history`, auth(p));
        expectNoLeak(history, p, `history ${id}`);
        if (p.layer === 4) expect(history.status).toBe(403);
        else if (ref.includes(id)) expect(history.body.entries.map((e: any) => e.change.note)).toContain(`NOTE-${id}`);
        else expect(history.status).toBe(404);
      }
    });

    it('triage writes: in scope for layers 1-2, refused and audited otherwise', async () => {
      for (const id of IDS) {
        const r = await send(mode(), 'POST', `/alerts/${id}/triage`, { ...auth(p), ...json }, JSON.stringify({ addTags: ['probe'] }));
        expectNoLeak(r, p, `triage ${id}`);
        if (!mayWriteTriage(p)) expect(r.status, id).toBe(403);
        else expect(r.status, id).toBe(ref.includes(id) ? 200 : 404);
      }
      const audit = await auditOf(mode());
      const mine = audit.filter((e) => e.tokenId === tokenIdOf.get(p.name) && e.method === 'POST' && /\/triage$/.test(e.target));
      for (const id of IDS) {
        const entry = mine.find((e) => e.target === `/alerts/${id}/triage`);
        expect(entry, `audit of triage ${id} by ${p.name}`).toBeDefined();
      }
    });

    it('admin routes: central admins reload, admins manage only the tokens they hold, all audited', async () => {
      const reload = await send(mode(), 'POST', '/admin/reload', { ...auth(p), ...json });
      expect(reload.status).toBe(mayReload(p) ? 200 : 403);
      const list = await send(mode(), 'GET', '/admin/tokens', auth(p));
      if (p.role !== 'admin') expect(list.status).toBe(403);
      else {
        expect(list.status).toBe(200);
        const listed = new Set(list.body.tokens.map((t: any) => t.id));
        for (const other of PRINCIPALS) expect(listed.has(tokenIdOf.get(other.name)), `${other.name} listed`).toBe(managesToken(p, other));
        expect(list.text).not.toMatch(/"hash"|"salt"/);
      }
      // A token for another organisation, and a national token: only a central admin may create them.
      const foreign = await send(mode(), 'POST', '/admin/tokens', { ...auth(p), ...json }, JSON.stringify({ layer: 1, organizations: ['org-z'], role: 'analyst', expires: '1d' }));
      expect(foreign.status).toBe(p.role === 'admin' && p.central ? 201 : 403);
      const national = await send(mode(), 'POST', '/admin/tokens', { ...auth(p), ...json }, JSON.stringify({ layer: 4, organizations: [], role: 'national', expires: '1d' }));
      expect(national.status).toBe(p.role === 'admin' && p.central ? 201 : 403);
      // Revoking someone else's token: only when this admin manages it (tested on a fresh token, so nothing breaks).
      const victim = tokens.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: new Date(NOW + 86_400_000).toISOString(), createdBy: 'suite' });
      const revoke = await send(mode(), 'POST', `/admin/tokens/${victim.record.id}/revoke`, { ...auth(p), ...json });
      const manages = managesToken(p, { name: 'victim', layer: 1, organizations: ['org-a'], role: 'analyst' });
      expect(revoke.status).toBe(manages ? 200 : p.role === 'admin' ? 404 : 403);
      expect(tokens.find(victim.record.id)!.revokedAt !== undefined).toBe(manages);

      const audit = await auditOf(mode());
      const mine = audit.filter((e) => e.tokenId === tokenIdOf.get(p.name) && e.target.startsWith('/admin/'));
      expect(mine.find((e) => e.target === '/admin/reload')).toMatchObject({ action: 'reload', status: reload.status });
      expect(mine.filter((e) => e.target === '/admin/tokens' && e.method === 'POST').map((e) => e.status)).toEqual([foreign.status, national.status]);
      expect(mine.find((e) => e.target.endsWith('/revoke'))).toMatchObject({ status: revoke.status });
    });

    it('layer 4 cannot probe personal fields or triage through filters', async () => {
      for (const qs of ['host=' + personal.host('b-1'), 'user=' + personal.user('b-1'), 'ip=' + personal.address('b-1'), 'q=user-of', 'status=closed']) {
        const r = await send(mode(), 'GET', `/alerts?${qs}`, auth(p));
        if (p.layer === 4) expect(r.status, qs).toBe(400);
        else expect(r.status, qs).toBe(200);
        expectNoLeak(r, p, qs);
      }
    });
  });

  describe('the front: secrets, hosts, cross-site requests, malformed input', () => {
    const soc = PRINCIPALS.find((p) => p.name === 'L2 SOC a+b analyst')!;
    const central = PRINCIPALS.find((p) => p.central)!;

    it('a token in the query string is refused and written nowhere', async () => {
      const token = tokenOf.get(soc.name)!;
      for (const path of [`/alerts?access_token=${token}`, `/alerts?token=${token}`, `/alerts?q=${token}`, `/alerts/${token}`, `/alerts?api_key=x`]) {
        const r = await send(mode(), 'GET', path, {});
        expect(r.status, path).toBe(400);
        expect(r.body.error).toMatch(/Authorization header/);
        const r2 = await send(mode(), 'GET', path, auth(soc));
        expect(r2.status, path).toBe(400);
      }
      const secret = token.split('_')[2]!;
      expect(await readFile(mode().auditFile, 'utf8')).not.toContain(secret);
      expect(mode().serverLog.join('\n')).not.toContain(secret);
    });

    it('a Host header that does not name this server is refused (DNS rebinding)', async () => {
      for (const host of ['evil.example', `evil.example:${mode().port}`, '127.0.0.1:1', 'localhost.evil.example', '[::1]:1', 'a b']) {
        const r = await send(mode(), 'GET', '/alerts', { ...auth(soc), host });
        expect([400, 421], host).toContain(r.status);
      }
      for (const host of [`127.0.0.1:${mode().port}`, `localhost:${mode().port}`]) expect((await send(mode(), 'GET', '/healthz', { ...auth(soc), host })).status, host).toBe(200);
    });

    it('state-changing requests from another site are refused, even with a valid token', async () => {
      const cases: Record<string, string>[] = [
        { origin: 'https://evil.example', ...json },
        { origin: 'null', ...json },
        { 'sec-fetch-site': 'cross-site', ...json },
        { 'sec-fetch-site': 'same-site', ...json },
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        {},
      ];
      for (const headers of cases) {
        const reload = await send(mode(), 'POST', '/admin/reload', { ...auth(central), ...headers });
        expect([403, 415], JSON.stringify(headers)).toContain(reload.status);
        const triage = await send(mode(), 'POST', '/alerts/a-1/triage', { ...auth(soc), ...headers }, '{"status":"closed"}');
        expect([403, 415], JSON.stringify(headers)).toContain(triage.status);
      }
      const same = await send(mode(), 'POST', '/admin/reload', { ...auth(central), ...json, origin: `http://127.0.0.1:${mode().port}`, 'sec-fetch-site': 'same-origin' });
      expect(same.status).toBe(200);
    });

    it('bad tokens get 401 on every route, and bad requests a clear 4xx', async () => {
      for (const path of ['/alerts', '/alerts/_counts', '/alerts/_histogram', '/alerts/a-1', '/alerts/a-1/history', '/admin/tokens', '/openapi.json', '/healthz']) {
        for (const header of [undefined, 'Bearer x', `Bearer socle_0123456789abcdef_${'0'.repeat(64)}`, `Basic ${tokenOf.get(soc.name)}`]) {
          const r = await send(mode(), 'GET', path, header ? { authorization: header } : {});
          expect(r, `${header} ${path}`).toMatchObject({ status: 401, body: { error: 'invalid or expired token' } });
        }
      }
      const bad = [
        ['GET', '/alerts?size=0'], ['GET', '/alerts?unknown=1'], ['GET', '/alerts/_counts?by=user'], ['GET', '/alerts/_histogram?interval=1s'],
        ['GET', '/alerts?cursor=forged'], ['GET', `/alerts?q=${'x'.repeat(2000)}`], ['DELETE', '/alerts/a-1'], ['GET', '/nowhere'],
      ] as const;
      for (const [method, path] of bad) {
        const r = await send(mode(), method, path, auth(soc));
        expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path}`).toBeLessThan(500);
        expect(typeof r.body.error, `${method} ${path}`).toBe('string');
      }
      const body = await send(mode(), 'POST', '/alerts/a-1/triage', { ...auth(soc), ...json }, '{"status":');
      expect(body.status).toBe(400);
      const extra = await send(mode(), 'POST', '/admin/tokens', { ...auth(central), ...json }, '{"layer":1,"organizations":["org-a"],"role":"analyst","expires":"1d","hash":"x"}');
      expect(extra.status).toBe(400);
    });

    it('malformed raw requests get 400 and the server keeps serving', async () => {
      for (const raw of ['GET /healthz HTTP/1.1\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost:\r\n\r\n', 'GARBAGE\r\n\r\n', 'GET /alerts HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', '\u0000\u0001\u0002\r\n\r\n']) {
        const answer = await rawExchange(mode().port, raw);
        expect(answer, JSON.stringify(raw.slice(0, 40))).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      expect((await send(mode(), 'GET', '/healthz', auth(soc))).status).toBe(200);
    });

    it('data files are private: 0600 files, 0700 folders', async () => {
      if (modeName === 'run') {
        const data = join(dir, 'run');
        for (const folder of [data, join(data, 'alerts'), join(data, 'triage')]) expect((await stat(folder)).mode & 0o777, folder).toBe(0o700);
        for (const file of [join(data, 'audit', 'access.ndjson'), join(data, 'triage', 'triage.ndjson'), join(data, 'alerts', 'alerts-000001.ndjson')]) {
          expect((await stat(file)).mode & 0o777, file).toBe(0o600);
        }
      }
      expect((await stat(tokens.path)).mode & 0o777).toBe(0o600);
    });
  });
});

describe('both modes', () => {
  it('answer the same reads the same way, from the same token store, and still serve', async () => {
    const p = PRINCIPALS.find((x) => x.name === 'L2 SOC a+b analyst')!;
    const [run, serve] = modes;
    for (const path of ['/alerts?size=1000', '/alerts/_counts?by=organization', '/alerts/_histogram?interval=1d', '/alerts/soc-ab']) {
      const a = await send(run!, 'GET', path, auth(p));
      const b = await send(serve!, 'GET', path, auth(p));
      expect(a.status, path).toBe(b.status);
      expect(Object.keys(a.body).sort(), path).toEqual(Object.keys(b.body).sort());
    }
    for (const m of modes) expect((await send(m, 'GET', '/healthz', auth(p))).status).toBe(200);
    expect(dataOrganizations(ALERTS.find((a) => a.id === 'soc-bad')!)).toEqual([]);
  });
});

/** Writes raw bytes, returns what came back until the server closed (or a short wait passed). */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const done = () => {
      socket.destroy();
      resolve(out);
    };
    socket.setTimeout(3000, done);
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', done);
    socket.on('error', done);
    socket.on('close', done);
    socket.write(raw);
  });
}
