/**
 * `socle run` with `sharing:` and `taxii:` configured: the embedded service starts the TAXII server, derives one
 * collection per policy collection (acme alone; globex and initech as the sharing group `south`), publishes each shared
 * alert's bundle there, and serves it by organisation and TLP. (`socle serve` starts the same startTaxiiService; its
 * Kafka/Elasticsearch half is covered by the integration project.)
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertJournal, FileTokenStore, type Layer, type Role } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { EmbeddedService, runConfigSchema } from '@socle/runtime';
import { generateSigningKey, TAXII_MEDIA_TYPE } from '@socle/sharing';

let dir: string;
let service: EmbeddedService | undefined;
const tokens: Record<string, string> = {};

const policy = (org: string, collection: string, tlp: string) =>
  `organization: ${org}\nsharedBy: SOC Hanoi\ncollection: ${collection}\ntlp: ${tlp}\nminimumSeverity: medium\n` +
  'personalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-run-taxii-'));
  await writeFile(join(dir, 'acme.yml'), policy('acme', 'acme', 'AMBER'));
  await writeFile(join(dir, 'globex.yml'), policy('globex', 'south', 'GREEN'));
  await writeFile(join(dir, 'initech.yml'), policy('initech', 'south', 'AMBER+STRICT'));
  const { signing } = generateSigningKey('soc-hanoi');
  await writeFile(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const store = new FileTokenStore(join(dir, 'tokens.json'));
  const specs: [string, Layer, string[], Role][] = [
    ['national', 4, [], 'national'],
    ['onsite-globex', 1, ['globex'], 'analyst'],
    ['onsite-initech', 1, ['initech'], 'analyst'],
    ['soc-acme', 2, ['acme'], 'analyst'],
  ];
  for (const [name, layer, organizations, role] of specs) tokens[name] = store.create({ layer, organizations, role, expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' }).token;

  const journal = await AlertJournal.open(join(dir, 'data', 'alerts'));
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await journal.write([
    makeScopedAlert({ id: 'acme-1', time: hourAgo, org: 'acme', level: 'high', sourceIp: '203.0.113.1' }),
    makeScopedAlert({ id: 'globex-1', time: hourAgo, org: 'globex', level: 'high', sourceIp: '203.0.113.2' }),
    makeScopedAlert({ id: 'initech-1', time: hourAgo, org: 'initech', level: 'high', sourceIp: '203.0.113.3' }),
  ]);
  await journal.close();

  const config = runConfigSchema.parse({
    dataDir: join(dir, 'data'),
    inputs: [{ type: 'stdin', organization: 'acme', format: 'auth' }],
    api: { listen: '127.0.0.1:0' },
    sharing: {
      policies: ['acme.yml', 'globex.yml', 'initech.yml'].map((f) => join(dir, f)),
      outbox: join(dir, 'outbox'),
      endpoint: { socle: 'http://127.0.0.1:9/ingest' },
      signingKey: { file: join(dir, 'soc.pem'), keyId: 'soc-hanoi' },
      intervalMs: 60_000,
    },
    taxii: { listen: '127.0.0.1:0', tokens: join(dir, 'tokens.json'), audit: join(dir, 'audit', 'taxii.ndjson') },
  });
  service = new EmbeddedService(config, { stdin: new PassThrough(), log: () => {} });
  await service.start();
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function read(token: string, path: string): Promise<{ status: number; body: { collections?: { id: string }[]; objects?: { id: string; type: string; object_marking_refs?: string[] }[] } }> {
  const res = await fetch(`${service!.taxiiUrl}/socle${path}`, { headers: { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as never };
}

const incidents = (objects: { type: string }[] = []) => objects.filter((o) => o.type === 'incident').length;

describe('socle run with taxii: configured', () => {
  it('serves the shared alerts in per-policy collections, by organisation and TLP', async () => {
    await vi.waitFor(async () => expect(incidents((await read(tokens['national']!, '/collections/acme/objects/')).body.objects)).toBe(1), { timeout: 20_000, interval: 100 });
    expect((await read(tokens['national']!, '/collections/')).body.collections!.map((c) => c.id)).toEqual(['acme', 'south']);
    // The national centre reads AMBER of acme and GREEN of globex, not initech's AMBER+STRICT.
    expect(incidents((await read(tokens['national']!, '/collections/south/objects/')).body.objects)).toBe(1);
    // Inside the sharing group: globex's on-site force sees its GREEN incident, not initech's AMBER+STRICT one;
    // initech's sees both (GREEN is for the group).
    expect(incidents((await read(tokens['onsite-globex']!, '/collections/south/objects/')).body.objects)).toBe(1);
    expect(incidents((await read(tokens['onsite-initech']!, '/collections/south/objects/')).body.objects)).toBe(2);
    expect((await read(tokens['onsite-globex']!, '/collections/acme/')).status).toBe(404);
    expect((await read(tokens['soc-acme']!, '/collections/south/')).status).toBe(404);
    const mode = (await stat(join(dir, 'audit', 'taxii.ndjson'))).mode & 0o777;
    expect(mode).toBe(0o600);
  }, 30_000);
});
