import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './taxii-request-target.ts';

describe('TAXII request targets', () => {
  it('decodes origin-form and absolute-form targets into segments and a query', () => {
    expect(parseRequestTarget('/socle/collections/a%20b/objects/?limit=2')).toMatchObject({ segments: ['socle', 'collections', 'a b', 'objects'], path: '/socle/collections/a%20b/objects/' });
    const absolute = parseRequestTarget('http://taxii.example:9443/socle/?x=1#frag');
    expect(absolute).toMatchObject({ segments: ['socle'] });
    expect('query' in absolute && absolute.query.get('x')).toBe('1');
    // `//x` is a path here, never a host.
    expect(parseRequestTarget('//taxii2/')).toMatchObject({ segments: ['taxii2'] });
  });

  it('names the problem of a bad target instead of throwing', () => {
    expect(parseRequestTarget('/socle/collections/%E0%A4%A/')).toEqual({ problem: "bad percent-encoding in the path segment '%E0%A4%A'" });
    expect(parseRequestTarget('*')).toEqual({ problem: 'the request target must be a path (/...) or an http(s) URL' });
    expect(parseRequestTarget('')).toEqual({ problem: 'the request has no target' });
    expect(parseRequestTarget(`/${'a'.repeat(9000)}`)).toEqual({ problem: 'the request target is longer than 8192 characters' });
    // A bad escape in the query is kept literally, as URLSearchParams does.
    const q = parseRequestTarget('/x/?next=%%%');
    expect('query' in q && q.query.get('next')).toBe('%%%');
  });
});
