import { createHmac } from 'node:crypto';

export type PersonalKind = 'user' | 'email' | 'host' | 'address' | 'value';

/**
 * Keyed pseudonyms: HMAC-SHA256 of the kind and the normalised value under the organisation's secret. The same user
 * gets the same pseudonym in every alert; without the key a pseudonym cannot be reversed or confirmed by guessing.
 * The key is kept in this closure only; it is never part of an error, a log line or the output.
 */
export class Pseudonymizer {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  pseudonym(kind: PersonalKind, value: string): string {
    const mac = createHmac('sha256', this.#key).update(`${kind}\u0000${value.trim().toLowerCase()}`).digest('hex');
    return `${kind}-${mac.slice(0, 20)}`;
  }
}
