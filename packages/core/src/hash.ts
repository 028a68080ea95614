const encoder = new TextEncoder();
/** Reused for the UTF-8 bytes of texts up to this size; larger ones get a buffer of their own. */
const KEPT_BUFFER_BYTES = 1 << 20;
let kept = new Uint8Array(4096);

/**
 * FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 hex digits. Pure and portable (no BigInt), so a replay of
 * the same input yields the same alert ids on every platform. The 64-bit state is four 16-bit limbs, so every
 * product stays exact in 32-bit integer arithmetic; UTF-8 bytes are produced on the fly (lone surrogates as
 * U+FFFD, as `TextEncoder` does), so hashing a large event allocates nothing.
 */
export function fnv1a64Hex(text: string): string {
  // offset basis 0xcbf29ce484222325, lowest limb first
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
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
  const hex = (limb: number) => limb.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}

/** A deterministic id from parts; parts are joined unambiguously. */
export function deterministicId(...parts: Array<string | number>): string {
  return fnv1a64Hex(JSON.stringify(parts));
}
