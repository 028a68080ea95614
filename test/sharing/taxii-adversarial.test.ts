/**
 * Black-box adversarial suite of the TAXII 2.1 server as `socle run` / `socle serve` start it: three organisations,
 * every layer and role, every route. Reads must return exactly the reference scope, forbidden writes are refused
 * and audited, bad requests get a clear 4xx, and the server keeps serving afterwards.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTIONS,
  indicatorId,
  indicatorObject,
  referenceReadsCollection,
  referenceSees,
  referenceWrites,
  startTaxiiFixture,
  taxiiHeaders,
  type TaxiiFixture,
  type TestPrincipal,
} from './taxii-fixture.ts';

let fx: TaxiiFixture;
beforeAll(async () => {
  fx = await startTaxiiFixture();
});
afterAll(async () => {
  await fx?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TAXII answers are checked field by field
async function get(path: string, p: TestPrincipal | undefined, extra: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${fx.root}${path}`, { headers: taxiiHeaders(p?.token, extra) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const all = () => Object.values(fx.principals);
const expectedIds = (p: TestPrincipal, collection: (typeof COLLECTIONS)[number]) =>
  fx.indicators.filter((i) => i.collection === collection.id && referenceSees(p, collection.organizations, i, fx.redRecipients)).map((i) => i.id);

describe('TAXII reads: exactly the reference scope for every principal and route', () => {
  it('discovery and API root answer every valid token, and nobody without one', async () => {
    for (const p of all()) {
      const discovery = await get('/../taxii2/', p);
      expect(discovery.status, p.name).toBe(200);
      expect(discovery.body.api_roots).toEqual(['/socle/']);
      expect((await get('/', p)).body.versions).toEqual(['application/taxii+json;version=2.1']);
    }
    expect((await get('/', undefined)).status).toBe(401);
  });

  it('lists exactly the collections of the principal organisations, with can_write only for their SOC', async () => {
    for (const p of all()) {
      const { status, body } = await get('/collections/', p);
      expect(status).toBe(200);
      const listed = (body.collections ?? []).map((c: { id: string; can_write: boolean }) => [c.id, c.can_write]);
      const expected = COLLECTIONS.filter((c) => referenceReadsCollection(p, c.organizations)).map((c) => [c.id, c.organizations.some((o) => referenceWrites(p, o))]);
      expect(listed, p.name).toEqual(expected);
      for (const c of COLLECTIONS) {
        const one = await get(`/collections/${c.id}/`, p);
        expect(one.status, `${p.name} ${c.id}`).toBe(referenceReadsCollection(p, c.organizations) ? 200 : 404);
      }
    }
  });

  it('serves objects, manifest, single objects and versions filtered by organisation and TLP', async () => {
    for (const p of all()) {
      for (const c of COLLECTIONS) {
        const expected = expectedIds(p, c);
        const readable = referenceReadsCollection(p, c.organizations);
        const objects = await get(`/collections/${c.id}/objects/`, p);
        const manifest = await get(`/collections/${c.id}/manifest/`, p);
        if (!readable) {
          expect([objects.status, manifest.status], `${p.name} ${c.id}`).toEqual([404, 404]);
          continue;
        }
        expect((objects.body.objects ?? []).map((o: { id: string }) => o.id).sort(), `${p.name} objects of ${c.id}`).toEqual([...expected].sort());
        expect((manifest.body.objects ?? []).map((o: { id: string }) => o.id).sort(), `${p.name} manifest of ${c.id}`).toEqual([...expected].sort());
        for (const i of fx.indicators.filter((x) => x.collection === c.id)) {
          const visible = expected.includes(i.id);
          const one = await get(`/collections/${c.id}/objects/${i.id}/`, p);
          expect(one.status, `${p.name} ${i.tlp} of ${i.organization} in ${c.id}`).toBe(visible ? 200 : 404);
          if (visible) expect(one.body.objects.map((o: { id: string }) => o.id)).toEqual([i.id]);
          const versions = await get(`/collections/${c.id}/objects/${i.id}/versions/`, p);
          expect(versions.status).toBe(visible ? 200 : 404);
        }
        // Client filters never widen the scope.
        const asked = await get(`/collections/${c.id}/objects/?match[id]=${fx.indicators.map((i) => i.id).join(',')}&match[version]=all`, p);
        expect((asked.body.objects ?? []).map((o: { id: string }) => o.id).sort()).toEqual([...expected].sort());
      }
    }
  });

  it('answers objects of another collection as absent (no id leaks across collections)', async () => {
    const acmeRed = fx.indicators.find((i) => i.collection === 'acme' && i.tlp === 'RED')!;
    expect((await get(`/collections/south/objects/${acmeRed.id}/`, fx.principals['soc-all'])).status).toBe(404);
  });
});

describe('TAXII writes: forbidden writes refused and audited', () => {
  it('refuses every principal but the SOC of the organisation, and audits each refusal', async () => {
    let n = 10_000;
    for (const p of all()) {
      for (const c of COLLECTIONS) {
        for (const organization of c.organizations) {
          const id = indicatorId(++n);
          const { headers, body } = fx.sign([indicatorObject(id, 'GREEN', n)], c.id, organization);
          const res = await fetch(`${fx.root}/collections/${c.id}/objects/`, { method: 'POST', headers: taxiiHeaders(p.token, headers), body });
          const allowed = referenceWrites(p, organization);
          const readable = referenceReadsCollection(p, c.organizations);
          expect(res.status, `${p.name} -> ${c.id} as ${organization}`).toBe(allowed ? 202 : readable ? 403 : 404);
          if (!allowed) {
            const entry = (await fx.auditEntries()).at(-1)!;
            expect(entry).toMatchObject({ tokenId: p.tokenId, method: 'POST', status: res.status, target: `/socle/collections/${c.id}/objects/` });
            expect(entry.reason).toBeTruthy();
          }
        }
      }
    }
  });

  it('refuses a signed bundle replayed into another collection or claimed for another organisation', async () => {
    const soc = fx.principals['soc-south']!;
    const signedForGlobex = fx.sign([indicatorObject(indicatorId(20_001), 'AMBER', 1)], 'globex', 'globex');
    const intoSouth = await fetch(`${fx.root}/collections/south/objects/`, { method: 'POST', headers: taxiiHeaders(soc.token, signedForGlobex.headers), body: signedForGlobex.body });
    expect(intoSouth.status).toBe(403);
    // The same bundle with the collection header rewritten: the signature no longer verifies.
    const rewritten = { ...signedForGlobex.headers, 'socle-destination-collection': 'south' };
    expect((await fetch(`${fx.root}/collections/south/objects/`, { method: 'POST', headers: taxiiHeaders(soc.token, rewritten), body: signedForGlobex.body })).status).toBe(403);
    const asInitech = { ...signedForGlobex.headers, 'socle-destination-organization': 'initech' };
    expect((await fetch(`${fx.root}/collections/globex/objects/`, { method: 'POST', headers: taxiiHeaders(soc.token, asInitech), body: signedForGlobex.body })).status).toBe(403);
    const audit = await fx.auditEntries();
    expect(audit.slice(-3).map((e) => e.status)).toEqual([403, 403, 403]);
    // Nothing of it was stored.
    expect((await get(`/collections/south/objects/${indicatorId(20_001)}/`, fx.principals['national'])).status).toBe(404);
  });

  it('refuses unmarked objects in the status and stores the marked ones', async () => {
    const soc = fx.principals['soc-acme']!;
    const marked = indicatorObject(indicatorId(30_001), 'CLEAR', 1);
    const { object_marking_refs: _refs, ...unmarked } = indicatorObject(indicatorId(30_002), 'CLEAR', 2);
    const { headers, body } = fx.sign([marked, unmarked], 'acme', 'acme');
    const res = await fetch(`${fx.root}/collections/acme/objects/`, { method: 'POST', headers: taxiiHeaders(soc.token, headers), body });
    expect(res.status).toBe(202);
    const status = await res.json();
    expect(status).toMatchObject({ success_count: 1, failure_count: 1, failures: [{ id: indicatorId(30_002) }] });
  });
});

describe('TAXII status resources', () => {
  it('are readable by their writer only', async () => {
    const writer = fx.principals['soc-all']!;
    const { headers, body } = fx.sign([indicatorObject(indicatorId(40_001), 'GREEN', 1)], 'acme', 'acme');
    const posted = (await (await fetch(`${fx.root}/collections/acme/objects/`, { method: 'POST', headers: taxiiHeaders(writer.token, headers), body })).json()) as { id: string };
    for (const p of all()) {
      const res = await get(`/status/${posted.id}/`, p);
      expect(res.status, p.name).toBe(p === writer ? 200 : 404);
    }
  });
});

describe('bad requests get a clear 4xx and the server keeps serving', () => {
  const soc = () => fx.principals['soc-acme']!;
  const cases: [string, () => Promise<number>, number][] = [
    ['bad percent-encoding in an object path', async () => (await get('/collections/acme/objects/%E0%A4%A/', soc())).status, 400],
    ['bad percent-encoding in the collection', async () => (await get('/collections/%ZZ/', soc())).status, 400],
    ['a non-numeric limit', async () => (await get('/collections/acme/objects/?limit=abc', soc())).status, 400],
    ['a forged next', async () => (await get('/collections/acme/objects/?next=AAAA', soc())).status, 400],
    ['a bad added_after', async () => (await get('/collections/acme/objects/?added_after=yesterday', soc())).status, 400],
    ['a wrong Accept', async () => (await get('/collections/', soc(), { accept: 'text/html' })).status, 406],
    ['an unknown route', async () => (await get('/nothing/here/', soc())).status, 404],
    ['DELETE on objects', async () => (await fetch(`${fx.root}/collections/acme/objects/`, { method: 'DELETE', headers: taxiiHeaders(soc().token) })).status, 405],
    ['a POST that is not JSON', async () => (await fetch(`${fx.root}/collections/acme/objects/`, { method: 'POST', headers: taxiiHeaders(soc().token, { 'content-type': 'application/taxii+json;version=2.1' }), body: '{' })).status, 400],
    ['a POST with a JSON content type', async () => (await fetch(`${fx.root}/collections/acme/objects/`, { method: 'POST', headers: taxiiHeaders(soc().token, { 'content-type': 'application/json' }), body: '{}' })).status, 415],
    ['a POST without a signature', async () => (await fetch(`${fx.root}/collections/acme/objects/`, { method: 'POST', headers: taxiiHeaders(soc().token, { 'content-type': 'application/taxii+json;version=2.1' }), body: '{"objects":[]}' })).status, 403],
    ['a malformed token', async () => (await get('/', undefined, { authorization: 'Bearer socle_zz' })).status, 401],
    ['a Basic authorization', async () => (await get('/', undefined, { authorization: 'Basic dXNlcjpwYXNz' })).status, 401],
  ];
  for (const [name, run, status] of cases) {
    it(`${name}: ${status}, audited, then a good request still succeeds`, async () => {
      const before = (await fx.auditEntries()).length;
      expect(await run()).toBe(status);
      const entries = await fx.auditEntries();
      expect(entries.length).toBe(before + 1);
      expect(entries.at(-1)!.status).toBe(status);
      expect((await get('/collections/', soc())).status).toBe(200);
    });
  }
});

describe('audit before the answer', () => {
  it('writes each answered read to the audit log before the client receives it', async () => {
    const auditor = fx.principals['auditor-acme']!;
    for (let i = 0; i < 3; i++) {
      const res = await get('/collections/acme/objects/', auditor);
      const last = (await fx.auditEntries()).at(-1)!;
      expect(last).toMatchObject({ tokenId: auditor.tokenId, layer: 3, status: res.status, count: res.body.objects.length });
    }
  });

  it('refuses a layer-3 read when the audit cannot be written, and still answers other layers', async () => {
    const broken = await startTaxiiFixture({ auditPath: (dir) => join(dir, 'audit-dir', 'taxii.ndjson') });
    try {
      // Make the audit file unwritable: its folder becomes read-only (as root, replace the file with a folder).
      const folder = join(broken.dir, 'audit-dir');
      await mkdir(join(folder, 'taxii.ndjson.d'), { recursive: true });
      const { rm: remove, rename } = await import('node:fs/promises');
      await remove(join(folder, 'taxii.ndjson'), { force: true });
      await rename(join(folder, 'taxii.ndjson.d'), join(folder, 'taxii.ndjson'));
      await chmod(folder, 0o500);
      const auditor = await fetch(`${broken.root}/collections/acme/objects/`, { headers: taxiiHeaders(broken.principals['auditor-acme']!.token) });
      expect(auditor.status).toBe(503);
      expect(await auditor.text()).not.toContain('indicator--');
      const soc = await fetch(`${broken.root}/collections/acme/objects/`, { headers: taxiiHeaders(broken.principals['soc-acme']!.token) });
      expect(soc.status).toBe(200);
      await chmod(folder, 0o700);
    } finally {
      await broken.close();
    }
  });
});
