/**
 * STIX bundles and their detached Ed25519 signatures.
 *
 * The signature covers the canonical JSON (sorted keys, no whitespace: `canonicalJson`) of the STIX bundle
 * `{type: 'bundle', id, objects}`, and travels beside it in HTTP headers: `Socle-Signature-Key-Id` (which key),
 * `Socle-Signature` (`ed25519=<base64 signature>`) and, for TAXII (whose body is the envelope `{objects}`),
 * `Socle-Bundle-Id`. A receiver rebuilds the bundle, re-serialises it canonically and verifies; key order and
 * whitespace changes on the way do not break it, any change of content does.
 *
 * A bundle is signed for one destination, the collection and the organisation it is shared into
 * (`Socle-Destination-Collection`, `Socle-Destination-Organization`): the signed bytes are the canonical JSON of
 * `{bundle, destination: {collection, organization}}`, so a bundle replayed into another collection, or claimed for
 * another organisation, no longer verifies.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { uuidV5 } from './stix-ids.ts';
import type { StixObject } from './stix-objects.ts';

export const SIGNATURE_HEADER = 'socle-signature';
export const SIGNATURE_KEY_ID_HEADER = 'socle-signature-key-id';
export const BUNDLE_ID_HEADER = 'socle-bundle-id';
export const DESTINATION_COLLECTION_HEADER = 'socle-destination-collection';
export const DESTINATION_ORGANIZATION_HEADER = 'socle-destination-organization';

/** Where a bundle is shared: a TAXII collection id and the organisation whose data it is. */
export interface Destination {
  collection: string;
  organization: string;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

const BUNDLE_NAMESPACE = 'a3d1f0c4-7b2e-4f61-8c5d-1e9b7a6f2d30';

/** Objects deduplicated by id (the latest `modified` wins); the bundle id follows from their ids and versions. */
export function makeBundle(objects: StixObject[]): StixBundle {
  const byId = new Map<string, StixObject>();
  for (const o of objects) {
    const prev = byId.get(o.id);
    if (!prev || String(o['modified'] ?? '') > String(prev['modified'] ?? '')) byId.set(o.id, o);
  }
  const unique = [...byId.values()];
  const versions = unique.map((o) => `${o.id}@${String(o['modified'] ?? o['created'] ?? '')}`).sort();
  return { type: 'bundle', id: `bundle--${uuidV5(versions.join('\n'), BUNDLE_NAMESPACE)}`, objects: unique };
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

export function signingKeyFromPem(keyId: string, pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`signing key ${keyId}: expected an Ed25519 private key, got ${privateKey.asymmetricKeyType}`);
  return { keyId, privateKey };
}

export function generateSigningKey(keyId: string): { signing: SigningKey; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signing: { keyId, privateKey }, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** `Socle-Signature` header value for a body. */
export function signBody(body: unknown, key: SigningKey): { keyId: string; signature: string } {
  const sig = sign(null, new TextEncoder().encode(canonicalJson(body)), key.privateKey);
  return { keyId: key.keyId, signature: `ed25519=${sig.toString('base64')}` };
}

/** What a bundle's signature covers: the STIX bundle and its destination. */
export function signedPayload(bundle: { id: string; objects: unknown[] }, destination: Destination): unknown {
  return { bundle: { type: 'bundle', id: bundle.id, objects: bundle.objects }, destination: { collection: destination.collection, organization: destination.organization } };
}

export function signBundle(bundle: StixBundle, destination: Destination, key: SigningKey): { keyId: string; signature: string } {
  return signBody(signedPayload(bundle, destination), key);
}

export function verifyBundle(bundle: { id: string; objects: unknown[] }, destination: Destination, signature: string | undefined, publicKeyPem: string): boolean {
  return verifyBody(signedPayload(bundle, destination), signature, publicKeyPem);
}

/** True when `signature` (a `Socle-Signature` header value) is a valid signature of `body` by `publicKeyPem`. */
export function verifyBody(body: unknown, signature: string | undefined, publicKeyPem: string): boolean {
  const match = /^ed25519=([A-Za-z0-9+/=]+)$/.exec(signature?.trim() ?? '');
  if (!match) return false;
  try {
    return verify(null, new TextEncoder().encode(canonicalJson(body)), createPublicKey(publicKeyPem), Buffer.from(match[1]!, 'base64'));
  } catch {
    return false;
  }
}
