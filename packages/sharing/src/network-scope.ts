/** Tells internal addresses and host names from public ones, for redaction and for choosing indicators. */
import { BlockList, isIP } from 'node:net';

const ALWAYS_INTERNAL: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

export class NetworkScope {
  private readonly internal = new BlockList();
  private readonly domainSuffixes: string[];

  constructor(internalNetworks: string[], internalDomains: string[]) {
    for (const [net, prefix, type] of ALWAYS_INTERNAL) this.internal.addSubnet(net, prefix, type);
    for (const block of internalNetworks) {
      const [net, prefix] = block.split('/');
      const type = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
      if (!isIP(net!)) throw new Error(`internalNetworks: ${block} is not an IPv4 or IPv6 CIDR block`);
      this.internal.addSubnet(net!, Number(prefix), type);
    }
    this.domainSuffixes = internalDomains.map((d) => d.toLowerCase().replace(/^\.+/, ''));
  }

  /** 4 or 6 for an IP address, 0 otherwise. */
  ipVersion(value: string): 0 | 4 | 6 {
    return isIP(value) as 0 | 4 | 6;
  }

  isInternalAddress(ip: string): boolean {
    const v = isIP(ip);
    if (v === 0) return false;
    const type = v === 6 ? 'ipv6' : 'ipv4';
    return this.internal.check(ip, type);
  }

  /** Single-label names (`web-01`) and names under an internal suffix (`dc-01.corp.example`) are internal. */
  isInternalDomain(name: string): boolean {
    const n = name.toLowerCase().replace(/\.$/, '');
    if (!n.includes('.')) return true;
    return this.domainSuffixes.some((s) => n === s || n.endsWith(`.${s}`));
  }
}
