import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** Socle's own UUIDv5 namespace for STIX ids of objects it derives from alerts (fixed forever: ids must be stable). */
const SOCLE_NAMESPACE = '6f1b8a52-3c1e-4d55-9a7e-2f0c4b9d8e17';
/** The namespace STIX 2.1 (section 2.9) prescribes for deterministic SCO ids. */
const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** RFC 4122 version 5 UUID (SHA-1 of namespace + name). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Uint8Array.from(namespace.replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = Uint8Array.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `<type>--<uuidv5>` from the parts that make the object what it is (an alert id, an indicator value...). */
export function stixId(type: string, ...parts: string[]): string {
  return `${type}--${uuidV5([type, ...parts].join('\u0000'), SOCLE_NAMESPACE)}`;
}

/** The id STIX 2.1 assigns to an SCO from its id-contributing properties, so any producer gets the same id. */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidV5(canonicalJson(contributing), STIX_SCO_NAMESPACE)}`;
}
