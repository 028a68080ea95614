/**
 * A TAXII server started exactly as `socle run` and `socle serve` start it (startTaxiiService on a token store file
 * and an access audit log file), three organisations, a principal of every layer and role, and one indicator per
 * (collection, organisation, TLP level) POSTed and signed by the organisations' SOCs.
 *
 *   collection  organisations     written by
 *   acme        acme              soc-acme (layer 2, [acme])
 *   globex      globex            soc-south (layer 2, [globex, initech])
 *   south       globex, initech   soc-south (a sharing group)
 */
import { silentLogger } from '@socle/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessAuditLog, FileTokenStore, type Layer, type Role } from '@socle/api';
import {
  generateSigningKey,
  makeBundle,
  signBundle,
  startTaxiiService,
  taxiiConfigSchema,
  TAXII_MEDIA_TYPE,
  TLP_LEVELS,
  TLP_MARKING_IDS,
  type RunningTaxii,
  type TlpLevel,
} from '@socle/sharing';

export const ORGS = ['acme', 'globex', 'initech'] as const;
export const COLLECTIONS = [
  { id: 'acme', organizations: ['acme'] },
  { id: 'globex', organizations: ['globex'] },
  { id: 'south', organizations: ['globex', 'initech'] },
] as const;

export interface TestPrincipal {
  name: string;
  layer: Layer;
  organizations: string[];
  role: Role;
  token: string;
  tokenId: string;
}

/** Every layer and role, each organisation, multi-organisation SOCs and national tokens with and without scope. */
const PRINCIPAL_SPECS: Omit<TestPrincipal, 'token' | 'tokenId'>[] = [
  { name: 'onsite-acme', layer: 1, organizations: ['acme'], role: 'analyst' },
  { name: 'onsite-acme-admin', layer: 1, organizations: ['acme'], role: 'admin' },
  { name: 'onsite-globex', layer: 1, organizations: ['globex'], role: 'analyst' },
  { name: 'onsite-initech', layer: 1, organizations: ['initech'], role: 'analyst' },
  { name: 'soc-acme', layer: 2, organizations: ['acme'], role: 'analyst' },
  { name: 'soc-south', layer: 2, organizations: ['globex', 'initech'], role: 'analyst' },
  { name: 'soc-south-admin', layer: 2, organizations: ['globex', 'initech'], role: 'admin' },
  { name: 'soc-all', layer: 2, organizations: ['acme', 'globex', 'initech'], role: 'analyst' },
  { name: 'auditor-acme', layer: 3, organizations: ['acme'], role: 'auditor' },
  { name: 'auditor-south', layer: 3, organizations: ['globex', 'initech'], role: 'auditor' },
  { name: 'national', layer: 4, organizations: [], role: 'national' },
  { name: 'national-acme', layer: 4, organizations: ['acme'], role: 'national' },
];

export interface StoredIndicator {
  id: string;
  collection: string;
  organization: string;
  tlp: TlpLevel;
}

export interface TaxiiFixture {
  url: string;
  root: string;
  principals: Record<string, TestPrincipal>;
  indicators: StoredIndicator[];
  redRecipients: Record<string, string[]>;
  auditEntries(): Promise<Awaited<ReturnType<FileAccessAuditLog['readAll']>>>;
  /** The signing key the SOCs use, and the trusted key id. */
  sign: (objects: Record<string, unknown>[], collection: string, organization: string) => { headers: Record<string, string>; body: string };
  taxii: RunningTaxii;
  dir: string;
  close(): Promise<void>;
}

let serial = 0;

/** A deterministic STIX indicator id (UUID-shaped from a counter). */
export function indicatorId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `indicator--00000000-0000-4000-8000-${hex}`;
}

export function indicatorObject(id: string, tlp: TlpLevel, n: number): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2026-03-14T09:00:00.000Z',
    modified: '2026-03-14T09:00:00.000Z',
    name: `indicator ${n}`,
    pattern: `[ipv4-addr:value = '203.0.113.${n % 250}']`,
    pattern_type: 'stix',
    valid_from: '2026-03-14T09:00:00.000Z',
    object_marking_refs: [TLP_MARKING_IDS[tlp]],
  };
}

export function taxiiHeaders(token: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { accept: TAXII_MEDIA_TYPE, ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

export async function startTaxiiFixture(options: { auditPath?: (dir: string) => string } = {}): Promise<TaxiiFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'socle-taxii-'));
  const tokensPath = join(dir, 'tokens.json');
  const store = new FileTokenStore(tokensPath);
  const principals: Record<string, TestPrincipal> = {};
  for (const spec of PRINCIPAL_SPECS) {
    const created = store.create({ ...spec, expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' });
    principals[spec.name] = { ...spec, token: created.token, tokenId: created.record.id };
  }
  const { signing, publicKeyPem } = generateSigningKey('soc-key');
  await writeFile(join(dir, 'soc-key.pub.pem'), publicKeyPem);
  const redRecipients = {
    acme: [principals['onsite-acme']!.tokenId, principals['national']!.tokenId],
    initech: [principals['soc-south']!.tokenId],
  };
  const auditPath = options.auditPath?.(dir) ?? join(dir, 'audit', 'taxii.ndjson');
  const config = taxiiConfigSchema.parse({
    listen: '127.0.0.1:0',
    apiRoot: 'socle',
    tokens: tokensPath,
    audit: auditPath,
    collections: COLLECTIONS.map((c) => ({ id: c.id, organizations: [...c.organizations] })),
    trustedKeys: { 'soc-key': join(dir, 'soc-key.pub.pem') },
    redRecipients,
    maxPageSize: 1000,
  });
  const taxii = await startTaxiiService(config, [], silentLogger);
  const sign = (objects: Record<string, unknown>[], collection: string, organization: string) => {
    const bundle = makeBundle(objects as never);
    const { keyId, signature } = signBundle(bundle, { collection, organization }, signing);
    return {
      headers: {
        'content-type': TAXII_MEDIA_TYPE,
        'socle-signature-key-id': keyId,
        'socle-signature': signature,
        'socle-bundle-id': bundle.id,
        'socle-destination-collection': collection,
        'socle-destination-organization': organization,
      },
      body: JSON.stringify({ objects: bundle.objects }),
    };
  };

  const indicators: StoredIndicator[] = [];
  for (const c of COLLECTIONS) {
    for (const organization of c.organizations) {
      const writer = organization === 'acme' ? principals['soc-acme']! : principals['soc-south']!;
      const objects = TLP_LEVELS.map((tlp) => {
        const n = ++serial;
        const id = indicatorId(n);
        indicators.push({ id, collection: c.id, organization, tlp });
        return indicatorObject(id, tlp, n);
      });
      const { headers, body } = sign(objects, c.id, organization);
      const res = await fetch(`${taxii.url}/socle/collections/${c.id}/objects/`, { method: 'POST', headers: taxiiHeaders(writer.token, headers), body });
      if (res.status !== 202) throw new Error(`fixture: POST to ${c.id} for ${organization}: HTTP ${res.status} ${await res.text()}`);
    }
  }
  const audit = new FileAccessAuditLog(auditPath);
  return {
    url: taxii.url,
    root: `${taxii.url}/socle`,
    principals,
    indicators,
    redRecipients,
    auditEntries: () => audit.readAll(),
    sign,
    taxii,
    dir,
    close: async () => {
      await taxii.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The reference model of the TAXII layer rules, written from the README independently of the server's code: which
 * collections a principal lists, and which stored indicators it reads.
 */
export function referenceReadsCollection(p: Pick<TestPrincipal, 'layer' | 'organizations'>, organizations: readonly string[]): boolean {
  if (p.layer === 4 && p.organizations.length === 0) return true;
  return organizations.some((o) => p.organizations.includes(o));
}

export function referenceSees(
  p: Pick<TestPrincipal, 'layer' | 'organizations' | 'tokenId'>,
  collectionOrganizations: readonly string[],
  object: { organization: string; tlp: TlpLevel },
  redRecipients: Record<string, string[]>,
): boolean {
  if (!referenceReadsCollection(p, collectionOrganizations)) return false;
  const nationalAll = p.layer === 4 && p.organizations.length === 0;
  const ofOrganization = nationalAll || p.organizations.includes(object.organization);
  if (object.tlp === 'CLEAR' || object.tlp === 'GREEN') return true;
  if (object.tlp === 'AMBER') return ofOrganization;
  if (object.tlp === 'AMBER+STRICT') return p.layer <= 3 && p.organizations.length === 1 && p.organizations[0] === object.organization;
  return ofOrganization && (redRecipients[object.organization] ?? []).includes(p.tokenId);
}

export function referenceWrites(p: Pick<TestPrincipal, 'layer' | 'organizations' | 'role'>, organization: string): boolean {
  return p.layer === 2 && p.organizations.includes(organization);
}
