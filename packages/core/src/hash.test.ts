import fc from 'fast-check';
import { InvalidEventError, MAX_EVENT_DEPTH } from './invalid-event.ts';
import { describe, expect, it } from 'vitest';
import { contentHash64Hex, fnv1a64Hex, fnv1a64HexAfter, fnv1a64State } from './hash.ts';

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

  it('goes on from the state after a prefix as if it had hashed the whole text (alert ids hash `<rule id>\\0` once)', () => {
    // A prefix ending in half a surrogate pair would be encoded apart from its other half: not a prefix of the bytes.
    const prefix = fc.string({ unit: 'binary' }).filter((p) => !/[\ud800-\udbff]$/.test(p));
    fc.assert(fc.property(prefix, fc.string({ unit: 'binary' }), (p, text) => fnv1a64HexAfter(fnv1a64State(p), text) === fnv1a64Hex(p + text)));
  });
});

describe('contentHash64Hex', () => {
  it('hashes what JSON.stringify would write: equal for a value and its JSON round trip, whatever the value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => contentHash64Hex(value) === contentHash64Hex(JSON.parse(JSON.stringify(value)))));
    const withExtras = { a: 1, skipped: undefined, fn: () => 1, at: new Date(0), minusZero: -0, nan: NaN, list: [undefined, () => 1] };
    expect(contentHash64Hex(withExtras)).toBe(contentHash64Hex(JSON.parse(JSON.stringify(withExtras))));
  });

  it('differs whenever the JSON text differs (no collision among many values)', () => {
    const byJson = new Map<string, string>();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value);
        const hash = contentHash64Hex(value);
        expect(hash).toMatch(/^[0-9a-f]{16}$/);
        const before = byJson.get(hash);
        byJson.set(hash, json);
        return before === undefined || before === json;
      }),
      { numRuns: 5000 },
    );
  });

  it('sees every code unit of texts and keys: changing one changes the hash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 0xffff }), (text, at, delta) => {
        const i = at % text.length;
        const changed = text.slice(0, i) + String.fromCharCode((text.charCodeAt(i) + delta) & 0xffff) + text.slice(i + 1);
        return contentHash64Hex(text) !== contentHash64Hex(changed) && contentHash64Hex({ [text]: 1 }) !== contentHash64Hex({ [changed]: 1 });
      }),
    );
  });

  it('tells apart values that feed the same characters in other places or kinds', () => {
    const values: unknown[] = [
      { a: 'bc' }, { ab: 'c' }, ['a', 'b'], ['ab'], 'ab', '1', 1, true, 'true', null, 'null', [], {}, [[]], [{}],
      { a: 1, b: 2 }, { b: 2, a: 1 }, { a: { b: 1 } }, { 'a.b': 1 }, 'abcd', 'abcd\u0000', 'ab\u0000\u0000', 10n, '10',
      'é', 'e', '\ud83d\ude00', '\ude00\ud83d',
    ];
    expect(new Set(values.map(contentHash64Hex)).size).toBe(values.length);
  });

  it('refuses a circular value, as JSON.stringify does, and one nested deeper than an event may', () => {
    const event: Record<string, unknown> = { a: 1 };
    event.self = event;
    expect(() => contentHash64Hex(event)).toThrow(InvalidEventError);
    let deep: unknown = 1;
    for (let i = 0; i < MAX_EVENT_DEPTH; i++) deep = [deep];
    expect(contentHash64Hex(deep)).toMatch(/^[0-9a-f]{16}$/);
    expect(() => contentHash64Hex([deep])).toThrow(expect.objectContaining({ reason: 'too-deep' }));
  });
});
