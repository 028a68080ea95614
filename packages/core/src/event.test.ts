import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFieldGetter, getField, type SocleEvent } from './event.ts';

describe('getField', () => {
  it('reads plain, nested, flat dotted and mixed field names', () => {
    expect(getField({ CommandLine: 'x' }, 'CommandLine')).toBe('x');
    expect(getField({ process: { parent: { name: 'a' } } }, 'process.parent.name')).toBe('a');
    expect(getField({ 'process.parent.name': 'b' }, 'process.parent.name')).toBe('b');
    expect(getField({ process: { 'parent.name': 'c' } }, 'process.parent.name')).toBe('c');
    expect(getField({ 'process.parent': { name: 'd' } }, 'process.parent.name')).toBe('d');
  });

  it('gives undefined for a missing field and keeps null and falsy values', () => {
    expect(getField({}, 'a')).toBeUndefined();
    expect(getField({ a: { b: 1 } }, 'a.c')).toBeUndefined();
    expect(getField({ a: 'text' }, 'a.b')).toBeUndefined();
    expect(getField({ a: null }, 'a')).toBeNull();
    expect(getField({ a: { b: null } }, 'a.b')).toBeNull();
    expect(getField({ a: { b: 0 } }, 'a.b')).toBe(0);
    expect(getField({ a: { b: false } }, 'a.b')).toBe(false);
    expect(getField({ a: { b: '' } }, 'a.b')).toBe('');
  });

  it('returns a whole object or array when the name stops there', () => {
    expect(getField({ a: { b: { c: 1 } } }, 'a.b')).toEqual({ c: 1 });
    expect(getField({ a: [1, 2] }, 'a')).toEqual([1, 2]);
  });

  it('never reads inherited properties', () => {
    expect(getField({}, 'constructor')).toBeUndefined();
    expect(getField({ a: {} }, 'a.toString')).toBeUndefined();
    expect(getField({ a: 'x' }, 'a.length')).toBeUndefined();
  });

  it('searches arrays of objects element by element and collects every value found', () => {
    const event = { dns: { answers: [{ data: '1.1.1.1' }, { type: 'CNAME' }, { data: ['2.2.2.2', '3.3.3.3'] }] } };
    expect(getField(event, 'dns.answers.data')).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(getField(event, 'dns.answers.missing')).toBeUndefined();
    expect(getField({ a: [[{ b: 1 }], { b: 2 }] }, 'a.b')).toEqual([1, 2]);
  });

  it('falls back to another spelling when the first one found does not lead to the field', () => {
    const event = { 'a.b': { x: 1 }, a: { b: { c: 2 } } };
    expect(getField(event, 'a.b.c')).toBe(2);
    expect(getField(event, 'a.b.x')).toBe(1);
  });

  it('reads the nested spelling where an event holds a field both nested and flat', () => {
    expect(getField({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(2);
    expect(getField({ a: { b: 2 }, 'a.b': 1 }, 'a.b')).toBe(2);
    expect(getField({ 'a.b': 1, a: { c: 2 } }, 'a.b')).toBe(1);
  });

  it('a compiled getter can be reused across events', () => {
    const get = compileFieldGetter('user.name');
    expect(get({ user: { name: 'a' } })).toBe('a');
    expect(get({ 'user.name': 'b' })).toBe('b');
    expect(get({ user: 'c' })).toBeUndefined();
  });
});

type Tree = { [key: string]: Tree | string | number | boolean | null };

const key = fc.constantFrom('a', 'b', 'c', 'user', 'name');
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null));
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { minKeys: 1, maxKeys: 3 }),
})).node;

const isTree = (x: unknown): x is Tree => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every leaf of a nested object with its dotted path: the reference for field access. */
function leaves(node: Tree, prefix = ''): Array<[string, unknown]> {
  return Object.entries(node).flatMap(([k, v]) => (isTree(v) ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));
}

/** The same data with some nested objects hoisted into their parent under dotted keys, as the bits say. */
function mixSpellings(node: Tree, bits: number, counter = { i: 0 }): Tree {
  const out: Tree = {};
  for (const [k, v] of Object.entries(node)) {
    if (!isTree(v)) {
      out[k] = v;
      continue;
    }
    const inner = mixSpellings(v, bits, counter);
    if ((bits >>> counter.i++ % 31) & 1) for (const [k2, v2] of Object.entries(inner)) out[`${k}.${k2}`] = v2;
    else out[k] = inner;
  }
  return out;
}

describe('field access agrees with a reference (property)', () => {
  it('every leaf path reads its value, whether the event is nested, flat or mixed', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (nested, bits) => {
        const mixed = mixSpellings(nested, bits);
        for (const [path, value] of leaves(nested)) {
          expect(getField(nested as SocleEvent, path)).toBe(value);
          expect(getField(mixed as SocleEvent, path)).toBe(value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a path that is no leaf or object of the event reads undefined', () => {
    fc.assert(
      fc.property(tree, fc.array(key, { minLength: 1, maxLength: 4 }), (nested, parts) => {
        const path = parts.join('.');
        const known = leaves(nested).map(([p]) => p);
        const isPrefix = known.some((p) => p === path || p.startsWith(path + '.'));
        if (!isPrefix) expect(getField(nested as SocleEvent, path)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('wrapping objects into arrays yields the list of values found in the elements', () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), key, (elements, k) => {
        const event = { list: elements };
        const expected = elements.filter((e) => k in e && !isTree(e[k])).map((e) => e[k]);
        const got = getField(event, `list.${k}`);
        // Values that are objects are collected too; compare only when all found values are scalars.
        if (elements.some((e) => isTree(e[k]))) return;
        if (expected.length === 0) expect(got).toBeUndefined();
        else expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a `*` part in a field name', () => {
  const event: SocleEvent = {
    Event: {
      System: { EventID: 5861 },
      UserData: { Operation_ESStoConsumerBinding: { '#attributes': { xmlns: 'x' }, Consumer: 'CommandLineEventConsumer', PossibleCause: 'Permanent' } },
    },
  };

  it('stands for any key of the object there', () => {
    expect(getField(event, 'Event.UserData.*.Consumer')).toBe('CommandLineEventConsumer');
    expect(getField(event, 'Event.*.EventID')).toBe(5861);
    expect(getField(event, 'Event.UserData.*.Missing')).toBeUndefined();
    expect(getField({ Event: { UserData: 'text' } }, 'Event.UserData.*.length')).toBeUndefined();
  });

  it('gives every value found, as an array field does, and reads arrays of objects', () => {
    expect(getField({ a: { x: { v: 1 }, y: { v: [2, 3] }, z: 'no' } }, 'a.*.v')).toEqual([1, 2, 3]);
    expect(getField({ a: [{ x: { v: 1 } }, { y: { v: 2 } }] }, 'a.*.v')).toEqual([1, 2]);
    expect(getField({ a: { x: 1, y: 'b' } }, 'a.*')).toEqual([1, 'b']);
    expect(getField({ a: { x: { b: { c: 1 } } } }, 'a.*.*.c')).toBe(1);
  });
});
