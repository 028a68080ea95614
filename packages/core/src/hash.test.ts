import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64Hex } from './hash.ts';

describe('fnv1a64Hex', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(fnv1a64Hex('é')).not.toBe(fnv1a64Hex('e'));
    expect(fnv1a64Hex('日本')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('equals a BigInt reference on any text, lone surrogates and texts larger than the reused buffer included', () => {
    const encoder = new TextEncoder();
    const reference = (text: string) => {
      let h = 0xcbf29ce484222325n;
      for (const b of encoder.encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => fnv1a64Hex(text) === reference(text)));
    const large = 'é'.repeat(400_000) + '\ud800';
    expect(fnv1a64Hex(large)).toBe(reference(large));
  });
});
