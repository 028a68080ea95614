import { describe, expect, it } from 'vitest';
import { parseSharingPolicy } from './sharing-policy.ts';
import { resolveTaxiiPaths, taxiiCollections, taxiiConfigSchema } from './taxii-config.ts';

const policy = (org: string, collection?: string) =>
  parseSharingPolicy(`organization: ${org}\nsharedBy: SOC\n${collection ? `collection: ${collection}\n` : ''}personalData: {users: share, emails: share, internalHosts: share, internalAddresses: share}\n`, `${org}.yml`);

describe('taxii: configuration', () => {
  it('derives one collection per policy collection, grouping the organisations that share one', () => {
    const config = taxiiConfigSchema.parse({ tokens: 't.json', audit: 'a.ndjson' });
    expect(config).toMatchObject({ listen: '127.0.0.1:9443', apiRoot: 'socle', redRecipients: {}, maxPageSize: 100 });
    expect(taxiiCollections(config, [policy('acme'), policy('globex', 'south'), policy('initech', 'south')])).toEqual([
      { id: 'acme', title: 'acme', organizations: ['acme'] },
      { id: 'south', title: 'south', organizations: ['globex', 'initech'] },
    ]);
    expect(() => taxiiCollections(config, [])).toThrow(/taxii\.collections: list the collections, or configure sharing policies/);
  });

  it('prefers explicit collections, resolves paths and refuses bad values', () => {
    const config = taxiiConfigSchema.parse({ tokens: 't.json', audit: 'a.ndjson', collections: [{ id: 'all', organizations: ['acme', 'globex'] }], trustedKeys: { k: 'k.pem' } });
    expect(taxiiCollections(config, [policy('acme')])).toEqual([{ id: 'all', title: 'all', organizations: ['acme', 'globex'] }]);
    expect(resolveTaxiiPaths(config, '/etc/socle')).toMatchObject({ tokens: '/etc/socle/t.json', audit: '/etc/socle/a.ndjson', trustedKeys: { k: '/etc/socle/k.pem' } });
    expect(taxiiConfigSchema.safeParse({ audit: 'a' }).success).toBe(false);
    expect(taxiiConfigSchema.safeParse({ tokens: 't', audit: 'a', listen: 'nowhere' }).success).toBe(false);
    expect(taxiiConfigSchema.safeParse({ tokens: 't', audit: 'a', collections: [{ id: 'bad id', organizations: ['acme'] }] }).success).toBe(false);
  });
});
