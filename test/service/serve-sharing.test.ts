// Sharing upward as `socle serve` runs it, on the real Elasticsearch: an alert the policy shares is marked in its
// index through the Elasticsearch sink and becomes visible to a layer-4 token on the serve API once the forwarding
// loop delivered its bundle; the alerts the policy keeps stay invisible to that token.
import { silentLogger } from '@socle/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../packages/api/src/access/token-store.ts';
import { makeScopedAlert } from '../../packages/api/src/testing/scoped-alerts.ts';
import { ElasticsearchAlertSink } from '../../packages/runtime/src/distributed/elasticsearch-alert-sink.ts';
import { ElasticsearchAlertStore } from '../../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { startServeApi } from '../../packages/runtime/src/distributed/serve-api.ts';
import { sharingConfigSchema } from '../../packages/sharing/src/sharing-config.ts';
import { generateSigningKey } from '../../packages/sharing/src/signed-bundle.ts';
import { nationalTaxiiServer } from '../../packages/sharing/src/taxii-principals.test-helper.ts';
import { UpwardSharing } from '../../packages/sharing/src/scheduled-sharing.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { esClient, waitFor } from './service-fixtures.ts';

const es = esClient();
const dir = mkdtempSync(join(tmpdir(), 'socle-serve-sharing-'));
const prefix = `${uniqueName('sharing')}-alerts`;
const logger = createJsonLogger(() => {});

afterAll(async () => {
  await es.indices.delete({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  await es.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sharing upward in socle serve', () => {
  it('makes the shared alert, and only it, visible to a layer-4 token after the forwarding loop ran', async () => {
    const { signing, publicKeyPem } = generateSigningKey('soc-hanoi');
    writeFileSync(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    writeFileSync(join(dir, 'acme.yml'), 'organization: acme\nsharedBy: SOC Hanoi\nminimumSeverity: high\ntlp: AMBER\npersonalData: {users: share, emails: share, internalHosts: share, internalAddresses: share}\n');
    const taxii = nationalTaxiiServer(publicKeyPem);
    const { url: taxiiUrl } = await taxii.listen();

    const sink = new ElasticsearchAlertSink({ client: es, indexPrefix: prefix, organization: 'default', attempts: 2 });
    await sink.installTemplate();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await sink.write([
      makeScopedAlert({ id: 'share-me', time: hourAgo, org: 'acme', level: 'critical', sourceIp: '203.0.113.66', event: { message: 'raw' } }),
      makeScopedAlert({ id: 'too-low', time: hourAgo, org: 'acme', level: 'medium' }),
      makeScopedAlert({ id: 'other-org', time: hourAgo, org: 'globex', level: 'critical' }),
    ]);
    await es.indices.refresh({ index: `${prefix}-*` });
    const store = new ElasticsearchAlertStore(es, prefix);

    const tokens = new FileTokenStore(join(dir, 'tokens.json'));
    const national = tokens.create({ layer: 4, organizations: [], role: 'national', expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' }).token;
    const api = await startServeApi({
      api: { listen: '127.0.0.1:0', tokens: join(dir, 'tokens.json'), audit: join(dir, 'audit.ndjson') },
      store,
      reload: () => Promise.reject(new Error('no reload in this test')),
      logger,
    });
    const config = sharingConfigSchema.parse({
      policies: [join(dir, 'acme.yml')],
      outbox: join(dir, 'outbox'),
      endpoint: { taxii: `${taxiiUrl}/national/` },
      signingKey: { file: join(dir, 'soc.pem'), keyId: 'soc-hanoi' },
    });
    const sharing = await UpwardSharing.open({ config, store, sink, logger: silentLogger, env: { SOCLE_UPSTREAM_TOKEN: 'soc' } });
    const visible = async () => {
      await es.indices.refresh({ index: `${prefix}-*` });
      const res = await fetch(`${api.url}/alerts`, { headers: { authorization: `Bearer ${national}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { alerts: { alertId: string; 'socle.event'?: unknown }[] }).alerts;
    };
    try {
      expect(await visible()).toEqual([]);
      sharing.start();
      expect(await waitFor(async () => Object.keys(taxii.deliveriesByBundle()).length === 1, 15_000)).toBe(true);
      expect(await waitFor(async () => (await visible()).length > 0, 10_000)).toBe(true);
      const seen = await visible();
      expect(seen.map((a) => a.alertId)).toEqual(['share-me']);
      expect(seen[0]!['socle.event']).toBeUndefined();
      expect((await fetch(`${api.url}/alerts/other-org`, { headers: { authorization: `Bearer ${national}` } })).status).toBe(404);
      const counts = await fetch(`${api.url}/alerts/_counts?by=organization`, { headers: { authorization: `Bearer ${national}` } });
      expect(await counts.json()).toEqual({ by: 'organization', counts: [{ key: 'acme', count: 1 }] });
    } finally {
      await sharing.stop();
      await api.close();
      await taxii.close();
    }
  });
});
