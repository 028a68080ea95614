/**
 * The `taxii:` section of the `socle run` and `socle serve` configurations: the product's own TAXII 2.1 server. Off
 * when absent. Collections default to one per sharing collection named by the policies (`collection:`, default the
 * organisation id), holding the organisations whose policies name it.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { destinationOf, type SharingPolicy } from './sharing-policy.ts';
import type { TaxiiCollectionConfig } from './taxii-server.ts';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, . _ -; at most 128');

export const taxiiConfigSchema = z.strictObject({
  /** host:port; plain HTTP: put a TLS terminator in front of anything but a loopback address. */
  listen: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected host:port, e.g. '127.0.0.1:9443'").default('127.0.0.1:9443'),
  title: z.string().min(1).default('Socle TAXII'),
  /** Path segment of the API root (`/socle/`). */
  apiRoot: identifier.default('socle'),
  /** Token store file (`socle tokens create`): every request needs a token. */
  tokens: z.string().min(1),
  /** Access audit log (NDJSON, 0600): every request is recorded before it is answered. */
  audit: z.string().min(1),
  /** Explicit collections; default: one per collection the sharing policies name. */
  collections: z
    .array(z.strictObject({ id: identifier, title: z.string().min(1).optional(), description: z.string().optional(), organizations: z.array(identifier).min(1) }))
    .min(1)
    .optional(),
  /** keyId -> public key file (PEM) of the SOCs allowed to POST; without it POSTs are not signature-checked. */
  trustedKeys: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Organisation id -> token ids named to receive its TLP:RED objects. */
  redRecipients: z.record(identifier, z.array(z.string().min(1))).default({}),
  maxPageSize: z.number().int().min(1).max(10_000).default(100),
});

export type TaxiiConfig = z.output<typeof taxiiConfigSchema>;

/** Paths taken from the configuration file's folder. */
export function resolveTaxiiPaths(config: TaxiiConfig, base: string): TaxiiConfig {
  return {
    ...config,
    tokens: resolve(base, config.tokens),
    audit: resolve(base, config.audit),
    ...(config.trustedKeys ? { trustedKeys: Object.fromEntries(Object.entries(config.trustedKeys).map(([k, f]) => [k, resolve(base, f)])) } : {}),
  };
}

/** The configured collections, or one per collection the policies share into. */
export function taxiiCollections(config: TaxiiConfig, policies: SharingPolicy[]): TaxiiCollectionConfig[] {
  if (config.collections) return config.collections.map((c) => ({ ...c, title: c.title ?? c.id }));
  const byId = new Map<string, TaxiiCollectionConfig>();
  for (const policy of policies) {
    const { collection, organization } = destinationOf(policy);
    const c = byId.get(collection) ?? { id: collection, title: collection, organizations: [] };
    if (!c.organizations.includes(organization)) c.organizations.push(organization);
    byId.set(collection, c);
  }
  if (byId.size === 0) throw new Error('taxii.collections: list the collections, or configure sharing policies to derive them from');
  return [...byId.values()];
}
