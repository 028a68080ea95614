const encoder = new TextEncoder();

/**
 * FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 hex digits. Pure and portable (two 32-bit halves, no
 * BigInt), so a replay of the same input yields the same alert ids on every platform.
 */
export function fnv1a64Hex(text: string): string {
  const bytes = encoder.encode(text);
  // offset basis 0xcbf29ce484222325 as high/low 32-bit halves
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3
    const loMul = lo * 0x1b3; // < 2^41, exact in a double
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0; // lo * 2^40 contributes lo << 8 to the high half
    lo = newLo;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** A deterministic id from parts; parts are joined unambiguously. */
export function deterministicId(...parts: Array<string | number>): string {
  return fnv1a64Hex(JSON.stringify(parts));
}
