import { afterEach, describe, expect, it } from 'vitest';
import { TaxiiServer, type TaxiiAuditLog } from './taxii-server.ts';
import { TAXII_MEDIA_TYPE } from './upstream-endpoint.ts';
import { stixId } from './stix-ids.ts';
import { TLP_MARKING_IDS } from './tlp.ts';
import { authenticateTestToken } from './taxii-principals.test-helper.ts';
import { authenticate, MemoryAccessAuditLog, MemoryTokenStore } from '@socle/api';

let server: TaxiiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(audit: TaxiiAuditLog = new MemoryAccessAuditLog()) {
  let clock = Date.parse('2026-03-14T10:00:00.000Z');
  server = new TaxiiServer({
    title: 'National CTI',
    apiRoot: 'national',
    collections: [
      { id: 'acme-incidents', title: 'ACME incidents', organizations: ['acme'] },
      { id: 'globex-incidents', title: 'Globex incidents', organizations: ['globex'] },
    ],
    authenticate: authenticateTestToken,
    audit,
    now: () => (clock += 1000),
    maxPageSize: 50,
  });
  const { url } = await server.listen();
  return url;
}

function req(url: string, token: string, init: { method?: string; accept?: string; contentType?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: init.accept ?? TAXII_MEDIA_TYPE };
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? TAXII_MEDIA_TYPE;
  return fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TAXII answers are checked field by field below
async function json(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

function indicator(n: number) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: stixId('indicator', String(n)),
    created: '2026-03-14T09:00:00.000Z',
    modified: '2026-03-14T09:00:00.000Z',
    pattern: `[ipv4-addr:value = '203.0.113.${n}']`,
    pattern_type: 'stix',
    valid_from: '2026-03-14T09:00:00.000Z',
    object_marking_refs: [TLP_MARKING_IDS.GREEN],
  };
}

describe('TAXII 2.1 server', () => {
  it('answers discovery, API root and collections in the TAXII media type, showing only granted collections', async () => {
    const url = await start();
    const discovery = await req(`${url}/taxii2/`, 'national');
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    expect(await json(discovery)).toEqual({ title: 'National CTI', default: '/national/', api_roots: ['/national/'] });
    const root = await json(req(`${url}/national/`, 'soc'));
    expect(root.versions).toEqual([TAXII_MEDIA_TYPE]);
    const socCollections = await json(req(`${url}/national/collections/`, 'soc'));
    expect(socCollections.collections.map((c: { id: string }) => c.id)).toEqual(['acme-incidents']);
    expect(socCollections.collections[0]).toMatchObject({ can_read: true, can_write: true });
    const national = await json(req(`${url}/national/collections/`, 'national'));
    expect(national.collections.map((c: { id: string; can_write: boolean }) => [c.id, c.can_write])).toEqual([['acme-incidents', false], ['globex-incidents', false]]);
    expect((await req(`${url}/national/collections/globex-incidents/`, 'soc')).status).toBe(404);
    // The on-site force (layer 1) reads its own organisation's collection, read-only.
    expect((await json(req(`${url}/national/collections/`, 'onSite'))).collections).toMatchObject([{ id: 'acme-incidents', can_write: false }]);
  });

  it('refuses a wrong Accept with 406, a wrong Content-Type with 415, and no token with 401', async () => {
    const url = await start();
    expect((await req(`${url}/taxii2/`, 'soc', { accept: 'application/json' })).status).toBe(406);
    expect((await req(`${url}/taxii2/`, 'soc', { accept: 'application/taxii+json;version=2.0' })).status).toBe(406);
    expect((await req(`${url}/taxii2/`, 'soc', { accept: 'application/taxii+json' })).status).toBe(200);
    const post = await req(`${url}/national/collections/acme-incidents/objects/`, 'soc', { method: 'POST', body: { objects: [indicator(1)] }, contentType: 'application/json' });
    expect(post.status).toBe(415);
    expect(post.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    expect(await json(post)).toMatchObject({ http_status: '415' });
    const anonymous = await fetch(`${url}/taxii2/`, { headers: { accept: TAXII_MEDIA_TYPE } });
    expect(anonymous.status).toBe(401);
  });

  it('lets layer 2 write its collections; layers 3 and 4 read only; every request is audited', async () => {
    const audit = new MemoryAccessAuditLog();
    const url = await start(audit);
    const objects = `${url}/national/collections/acme-incidents/objects/`;
    const posted = await req(objects, 'soc', { method: 'POST', body: { objects: [indicator(1), { type: 'indicator', id: 'bogus' }] } });
    expect(posted.status).toBe(202);
    const status = await json(posted);
    expect(status).toMatchObject({ status: 'complete', total_count: 2, success_count: 1, failure_count: 1 });
    expect((await req(`${url}/national/status/${status.id}/`, 'soc')).status).toBe(200);
    expect((await req(objects, 'auditor', { method: 'POST', body: { objects: [indicator(2)] } })).status).toBe(403);
    expect((await req(objects, 'national', { method: 'POST', body: { objects: [indicator(2)] } })).status).toBe(403);
    expect((await json(req(objects, 'auditor'))).objects.map((o: { id: string }) => o.id)).toEqual([indicator(1).id]);
    expect(audit.entries.filter((e) => e.tokenId === 'auditor').map((e) => [e.method, e.status])).toEqual([['POST', 403], ['GET', 200]]);
  });

  it('pages objects with limit and next, sets the date-added headers, and filters by added_after and type', async () => {
    const url = await start();
    const objects = `${url}/national/collections/acme-incidents/objects/`;
    for (let batch = 0; batch < 3; batch++) {
      const body = { objects: Array.from({ length: 5 }, (_, i) => indicator(batch * 5 + i)) };
      expect((await req(objects, 'soc', { method: 'POST', body })).status).toBe(202);
    }
    // The same versions again: acknowledged, stored once.
    expect((await req(objects, 'soc', { method: 'POST', body: { objects: [indicator(0)] } })).status).toBe(202);

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    let lastHeader = '';
    do {
      const res = await req(`${objects}?limit=4${next ? `&next=${next}` : ''}`, 'national');
      const page = await json(res);
      pages++;
      expect(page.objects.length).toBeLessThanOrEqual(4);
      const first = res.headers.get('x-taxii-date-added-first')!;
      expect(first > lastHeader).toBe(true);
      lastHeader = res.headers.get('x-taxii-date-added-last')!;
      expect(lastHeader >= first).toBe(true);
      seen.push(...page.objects.map((o: { id: string }) => o.id));
      next = page.more ? page.next : undefined;
      if (!page.more) expect(page.next).toBeUndefined();
    } while (next);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => indicator(i).id));

    const firstPage = await req(`${objects}?limit=5`, 'national');
    const after = firstPage.headers.get('x-taxii-date-added-last')!;
    const rest = await json(req(`${objects}?added_after=${encodeURIComponent(after)}`, 'national'));
    expect(rest.objects.map((o: { id: string }) => o.id)).toEqual(seen.slice(5));
    expect(await json(req(`${objects}?match[type]=report`, 'national'))).toEqual({});
    expect((await req(`${objects}?limit=0`, 'national')).status).toBe(400);
  });

  it('authenticates with the access module tokens: expired and revoked tokens get 401, a layer-4 token reads', async () => {
    const tokens = new MemoryTokenStore();
    const now = Date.parse('2026-03-14T10:00:00.000Z');
    const national = tokens.create({ layer: 4, organizations: [], role: 'national', expiresAt: '2026-12-31T00:00:00Z', createdBy: 'test' }, now);
    const revoked = tokens.create({ layer: 2, organizations: ['acme'], role: 'analyst', expiresAt: '2026-12-31T00:00:00Z', createdBy: 'test' }, now);
    const shortLived = tokens.create({ layer: 2, organizations: ['acme'], role: 'analyst', expiresAt: '2026-03-14T10:00:01Z', createdBy: 'test' }, now);
    tokens.revoke(revoked.record.id, now);
    server = new TaxiiServer({
      title: 'National',
      apiRoot: 'national',
      collections: [{ id: 'acme-incidents', title: 'ACME', organizations: ['acme'] }],
      authenticate: (header) => authenticate(header, tokens, now + 5000),
      audit: new MemoryAccessAuditLog(),
    });
    const { url } = await server.listen();
    const get = (token: string) => fetch(`${url}/national/collections/`, { headers: { authorization: `Bearer ${token}`, accept: TAXII_MEDIA_TYPE } });
    const ok = await get(national.token);
    expect(ok.status).toBe(200);
    expect((await json(ok)).collections).toMatchObject([{ id: 'acme-incidents', can_read: true, can_write: false }]);
    expect((await get(revoked.token)).status).toBe(401);
    expect((await get(shortLived.token)).status).toBe(401);
    const forged = national.token.slice(0, -1) + (national.token.endsWith('0') ? '1' : '0');
    expect((await get(forged)).status).toBe(401);
  });
});
