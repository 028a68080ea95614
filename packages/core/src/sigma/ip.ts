/** IPv4 and IPv6 addresses and CIDR ranges, as 128-bit values split in four 32-bit words. */

export type Address = { v6: boolean; words: [number, number, number, number] };

/** Dotted decimal; a part with a leading zero is refused, as Python's `ipaddress` refuses it (octal to some parsers). */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

/** A dotted-decimal IPv4 address exactly (no spaces, no leading zeros): the one IPv4 check of every package. */
export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

/**
 * An address as events write it: surrounding spaces, IPv6 brackets and a zone (`%eth0`) are ignored, and an
 * IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, as Windows logs IPv4 peers of dual-stack sockets) is its IPv4 one.
 */
export function parseAddress(input: string): Address | undefined {
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) {
    const v4 = parseIPv4(s);
    return v4 === undefined ? undefined : { v6: false, words: [0, 0, 0xffff, v4] };
  }
  return parseIPv6(s);
}

function parseIPv6(s: string): Address | undefined {
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIPv4(maybeV4);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (x: string): number[] | undefined => {
    if (x === '') return [];
    const out: number[] = [];
    for (const h of x.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  let hextets: number[];
  if (halves.length === 2) {
    if (total > 7) return undefined;
    hextets = [...head, ...new Array<number>(8 - total).fill(0), ...rest];
  } else {
    if (total !== 8) return undefined;
    hextets = head;
  }
  const w = (i: number) => ((hextets[i] << 16) | hextets[i + 1]) >>> 0;
  const words: Address['words'] = [w(0), w(2), w(4), w(6)];
  // IPv4-mapped IPv6 addresses compare as IPv4.
  const mapped = words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
  return { v6: !mapped, words };
}

export interface Cidr {
  v6: boolean;
  network: Address['words'];
  /** Prefix length over the 128-bit form (IPv4 prefixes are offset by 96). */
  bits: number;
}

export function parseCidr(s: string): Cidr | undefined {
  const [addr, len, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const a = parseAddress(addr);
  if (!a) return undefined;
  // The prefix counts over 128 bits when the range is written in IPv6 notation, even for IPv4-mapped addresses.
  const written6 = addr.includes(':');
  const max = written6 ? 128 : 32;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  const bits = written6 ? prefix : prefix + 96;
  // An IPv4-mapped range shorter than /96 also covers plain IPv6 addresses: it is an IPv6 range.
  const v6 = a.v6 || bits < 96;
  return { v6, network: mask(a.words, bits), bits };
}

function mask(words: Address['words'], bits: number): Address['words'] {
  return words.map((w, i) => {
    const keep = Math.max(0, Math.min(32, bits - i * 32));
    if (keep === 0) return 0;
    if (keep === 32) return w;
    return (w & (~0 << (32 - keep))) >>> 0;
  }) as Address['words'];
}

export function cidrContains(c: Cidr, a: Address): boolean {
  if (c.v6 !== a.v6) return false;
  const m = mask(a.words, c.bits);
  return m[0] === c.network[0] && m[1] === c.network[1] && m[2] === c.network[2] && m[3] === c.network[3];
}
