import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { generateSigningKey, makeBundle, signBody, signBundle, verifyBody, verifyBundle } from './signed-bundle.ts';
import { stixId } from './stix-ids.ts';

const objects = [
  { type: 'indicator', id: stixId('indicator', 'a'), modified: '2026-03-14T09:00:00.000Z', pattern: "[ipv4-addr:value = '203.0.113.66']" },
  { type: 'indicator', id: stixId('indicator', 'a'), modified: '2026-03-14T10:00:00.000Z', pattern: "[ipv4-addr:value = '203.0.113.66']" },
  { type: 'indicator', id: stixId('indicator', 'b'), modified: '2026-03-14T09:00:00.000Z', pattern: "[domain-name:value = 'evil.example']" },
];

describe('signed bundles', () => {
  it('keeps the latest version of each object and derives the bundle id from the ids and versions', () => {
    const bundle = makeBundle(objects);
    expect(bundle.objects.map((o) => o['modified'])).toEqual(['2026-03-14T10:00:00.000Z', '2026-03-14T09:00:00.000Z']);
    expect(makeBundle([...objects].reverse()).id).toBe(bundle.id);
    expect(makeBundle(objects.slice(0, 1)).id).not.toBe(bundle.id);
    expect(bundle.id).toMatch(/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('verifies after key reordering and whitespace, and fails on any change of content or another key', () => {
    const { signing, publicKeyPem } = generateSigningKey('k1');
    const bundle = makeBundle(objects);
    const { signature, keyId } = signBody(bundle, signing);
    expect(keyId).toBe('k1');
    const reordered = JSON.parse(JSON.stringify({ objects: bundle.objects, id: bundle.id, type: bundle.type }, null, 2));
    expect(verifyBody(reordered, signature, publicKeyPem)).toBe(true);
    const tampered = structuredClone(bundle);
    tampered.objects[1]!['pattern'] = "[domain-name:value = 'benign.example']";
    expect(verifyBody(tampered, signature, publicKeyPem)).toBe(false);
    expect(verifyBody(bundle, signature, generateSigningKey('k1').publicKeyPem)).toBe(false);
    expect(verifyBody(bundle, undefined, publicKeyPem)).toBe(false);
  });

  it('serialises canonically: sorted keys, no whitespace, undefined members dropped', () => {
    expect(canonicalJson({ b: [1, 'x', { d: null, c: true }], a: undefined, é: 1, Z: 2 })).toBe('{"Z":2,"b":[1,"x",{"c":true,"d":null}],"é":1}');
  });

  it('binds the signature to the destination collection and organisation', () => {
    const { signing, publicKeyPem } = generateSigningKey('k1');
    const bundle = makeBundle(objects);
    const { signature } = signBundle(bundle, { collection: 'acme', organization: 'acme' }, signing);
    expect(verifyBundle(bundle, { collection: 'acme', organization: 'acme' }, signature, publicKeyPem)).toBe(true);
    expect(verifyBundle(bundle, { collection: 'south', organization: 'acme' }, signature, publicKeyPem)).toBe(false);
    expect(verifyBundle(bundle, { collection: 'acme', organization: 'globex' }, signature, publicKeyPem)).toBe(false);
  });
});
