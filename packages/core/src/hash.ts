import { MAX_EVENT_DEPTH, tooDeep } from './invalid-event.ts';

const encoder = new TextEncoder();
/** Reused for the UTF-8 bytes of texts up to this size; larger ones get a buffer of their own. */
const KEPT_BUFFER_BYTES = 1 << 20;
let kept = new Uint8Array(4096);

/** FNV-1a 64-bit state: four 16-bit limbs, lowest first. */
export type Fnv1a64State = readonly [number, number, number, number];

/** The offset basis 0xcbf29ce484222325: the state before any byte. */
const OFFSET_BASIS: Fnv1a64State = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
/** Where `feed` leaves the state it reached. */
const reached = new Int32Array(4);

/**
 * FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 hex digits. Pure and portable (no BigInt), so a replay of
 * the same input yields the same alert ids on every platform. The 64-bit state is four 16-bit limbs, so every
 * product stays exact in 32-bit integer arithmetic; UTF-8 bytes are produced on the fly (lone surrogates as
 * U+FFFD, as `TextEncoder` does), so hashing a large event allocates nothing.
 */
export function fnv1a64Hex(text: string): string {
  feed(OFFSET_BASIS, text);
  return hexOfReached();
}

/**
 * The state after `prefix`, for `fnv1a64HexAfter`: texts that start alike need not hash their start each time.
 * The prefix must not end in the first half of a surrogate pair (its bytes would not start the whole text's).
 */
export function fnv1a64State(prefix: string): Fnv1a64State {
  feed(OFFSET_BASIS, prefix);
  return [reached[0], reached[1], reached[2], reached[3]];
}

/** `fnv1a64Hex(prefix + text)`, from the state after `prefix` (`fnv1a64State`). */
export function fnv1a64HexAfter(state: Fnv1a64State, text: string): string {
  feed(state, text);
  return hexOfReached();
}

function feed(state: Fnv1a64State, text: string): void {
  let [h0, h1, h2, h3] = state;
  // At most 3 UTF-8 bytes per UTF-16 code unit.
  const size = text.length * 3;
  if (kept.length < size && size <= KEPT_BUFFER_BYTES) kept = new Uint8Array(Math.min(KEPT_BUFFER_BYTES, Math.max(size, kept.length * 2)));
  const buffer = kept.length >= size ? kept : new Uint8Array(size);
  const { written } = encoder.encodeInto(text, buffer);
  for (let i = 0; i < written; i++) {
    h0 ^= buffer[i];
    // times the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
  }
  reached[0] = h0;
  reached[1] = h1;
  reached[2] = h2;
  reached[3] = h3;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexOfReached(): string {
  const [h0, h1, h2, h3] = reached;
  const limb = (h: number) => HEX_BYTES[h >> 8] + HEX_BYTES[h & 0xff];
  return limb(h3) + limb(h2) + limb(h1) + limb(h0);
}

/** A deterministic id from parts; parts are joined unambiguously. */
export function deterministicId(...parts: Array<string | number>): string {
  return fnv1a64Hex(JSON.stringify(parts));
}

/*
 * `contentHash64Hex`: four 32-bit lanes, each an independent multiply chain (which a CPU runs side by side).
 * A step xors a word in, multiplies by the lane's odd constant and folds the high bits down: a bijection of the
 * lane, so one differing word always changes it. Texts feed lanes 1-2 their even words and lanes 3-4 their odd
 * ones; everything else feeds all four. The lanes live in a typed array, so hashing allocates nothing.
 */
const lanes = new Int32Array(4);
const K1 = 0x9e3779b1;
const K2 = 0x85ebca77;
const K3 = 0xc2b2ae3d;
const K4 = 0x27d4eb2f;
const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

// What kind of thing the next words are, so that e.g. the text "1", the number 1 and a key "1" never feed the same words.
const STRING = 1;
const KEY = 2;
const BIGINT = 3;
const NUMBER = 4;
const TRUE = 5;
const FALSE = 6;
const NULL = 7;
const OBJECT = 8;
const ARRAY = 9;
const END = 10;

function mixWord(word: number): void {
  let x = Math.imul(lanes[0] ^ word, K1);
  lanes[0] = x ^ (x >>> 15);
  x = Math.imul(lanes[1] ^ word, K2);
  lanes[1] = x ^ (x >>> 13);
  x = Math.imul(lanes[2] ^ word, K3);
  lanes[2] = x ^ (x >>> 16);
  x = Math.imul(lanes[3] ^ word, K4);
  lanes[3] = x ^ (x >>> 14);
}

/** A text with its kind and length first (one word: unambiguous below 2^28 code units), then its code units. */
function mixText(s: string, kind: number): void {
  const n = s.length;
  mixWord((n * 16 + kind) | 0);
  let a = lanes[0];
  let b = lanes[1];
  let c = lanes[2];
  let d = lanes[3];
  for (let i = 0; i < n; i += 4) {
    let even: number;
    let odd: number;
    if (i + 4 <= n) {
      even = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      odd = s.charCodeAt(i + 2) | (s.charCodeAt(i + 3) << 16);
    } else {
      // The last one to three units, padded with zeros (the length above tells them apart).
      const rest = n - i;
      even = s.charCodeAt(i) | (rest > 1 ? s.charCodeAt(i + 1) << 16 : 0);
      odd = rest > 2 ? s.charCodeAt(i + 2) : 0;
    }
    a = Math.imul(a ^ even, K1);
    a ^= a >>> 15;
    b = Math.imul(b ^ even, K2);
    b ^= b >>> 13;
    c = Math.imul(c ^ odd, K3);
    c ^= c >>> 16;
    d = Math.imul(d ^ odd, K4);
    d ^= d >>> 14;
  }
  lanes[0] = a;
  lanes[1] = b;
  lanes[2] = c;
  lanes[3] = d;
}


/** Feeds one value as `JSON.stringify` sees it; false for what it leaves out of objects (undefined, functions, symbols). */
function mixValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      mixText(value, STRING);
      return true;
    case 'number':
      // As JSON writes numbers: -0 as 0, and NaN and the infinities as null.
      if (!Number.isFinite(value)) {
        mixWord(NULL);
        return true;
      }
      numberBits[0] = value + 0;
      mixWord(NUMBER);
      mixWord(numberWords[0]);
      mixWord(numberWords[1]);
      return true;
    case 'boolean':
      mixWord(value ? TRUE : FALSE);
      return true;
    case 'bigint':
      mixText(value.toString(), BIGINT);
      return true;
    case 'object': {
      if (value === null) {
        mixWord(NULL);
        return true;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return mixValue(toJSON.call(value), depth);
      // Deeper than an event may nest (a circular value among others, which `JSON.stringify` refuses too).
      if (depth === MAX_EVENT_DEPTH) throw tooDeep();
      if (Array.isArray(value)) {
        mixWord(ARRAY);
        for (const element of value) if (!mixValue(element, depth + 1)) mixWord(NULL);
      } else {
        mixWord(OBJECT);
        const record = value as Record<string, unknown>;
        // `for in` also yields inherited enumerable keys, which JSON objects do not have.
        for (const key in record) {
          const v = record[key];
          if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
          mixText(key, KEY);
          mixValue(v, depth + 1);
        }
      }
      mixWord(END);
      return true;
    }
    default:
      return false;
  }
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 64-bit hash of a JSON value's content, as 16 hex digits: what `JSON.stringify` would write, without writing
 * it (keys in their order, each value with its kind; `toJSON` honoured; undefined members left out), several times
 * faster than hashing the text. Pure and portable, so a replay of the same events yields the same ids on every
 * platform. Not cryptographic: where producers of events are not trusted, give events ids of their own (a Kafka
 * offset, `event.id`).
 */
export function contentHash64Hex(value: unknown): string {
  lanes[0] = 0x9747b28c;
  lanes[1] = 0x5bd1e995;
  lanes[2] = 0x6a09e667;
  lanes[3] = 0x3c6ef372;
  if (!mixValue(value, 0)) mixWord(NULL);
  // Each half of the result depends on all four lanes.
  const high = avalanche(lanes[0] ^ avalanche(lanes[2] + Math.imul(lanes[3], K2)));
  const low = avalanche(lanes[1] ^ avalanche(lanes[3] + Math.imul(lanes[2], K1)));
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}
