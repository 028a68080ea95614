import { describe, expect, it } from 'vitest';
import { parseSamples, rejectSamples } from './test-samples.ts';

describe('iptables / ufw', () => {
  const [ufwBlock, ufwAllow, ipv6, icmpDrop, bare] = parseSamples('iptables', 'iptables.log');

  it('maps a UFW BLOCK line to ECS network fields', () => {
    expect(ufwBlock('event.dataset')).toBe('iptables.log');
    expect(ufwBlock('event.action')).toBe('block');
    expect(ufwBlock('event.type')).toEqual(['connection', 'denied']);
    expect(ufwBlock('source.ip')).toBe('1.2.3.4');
    expect(ufwBlock('source.port')).toBe(44215);
    expect(ufwBlock('destination.ip')).toBe('5.6.7.8');
    expect(ufwBlock('destination.port')).toBe(23);
    expect(ufwBlock('network.transport')).toBe('tcp');
    expect(ufwBlock('observer.ingress.interface.name')).toBe('eth0');
    expect(ufwBlock('observer.egress.interface.name')).toBeUndefined();
    expect(ufwBlock('destination.mac')).toBe('00-0C-29-5F-8D-A1');
    expect(ufwBlock('source.mac')).toBe('00-50-56-C0-00-08');
    expect(ufwBlock('iptables.tcp.flags')).toEqual(['SYN']);
    expect(ufwBlock('iptables.ttl')).toBe(249);
    expect(ufwBlock('host.hostname')).toBe('host');
  });

  it('reads allow, IPv6, ICMP and custom log prefixes', () => {
    expect(ufwAllow('event.action')).toBe('allow');
    expect(ufwAllow('event.type')).toEqual(['connection', 'allowed']);
    expect(ufwAllow('iptables.fragment_flags')).toEqual(['DF']);
    expect(ipv6('network.type')).toBe('ipv6');
    expect(ipv6('network.transport')).toBe('udp');
    expect(ipv6('source.ip')).toBe('fe80:0000:0000:0000:0211:22ff:fe33:4455');
    expect(icmpDrop('event.action')).toBe('block');
    expect(icmpDrop('iptables.prefix')).toBe('IPTABLES-DROP:');
    expect(icmpDrop('network.transport')).toBe('icmp');
    expect(icmpDrop('iptables.icmp.type')).toBe(8);
    expect(icmpDrop('iptables.icmp.id')).toBe(1234);
    expect(icmpDrop('iptables.id')).toBe(0);
    expect(icmpDrop('observer.egress.interface.name')).toBe('eth0');
    expect(bare('event.action')).toBe('audit');
    expect(bare('destination.port')).toBe(631);
  });

  it('rejects kernel lines that are not netfilter logs', () => {
    const errors = rejectSamples('iptables', 'iptables-malformed.log');
    expect(errors[0]).toBe("iptables: expected netfilter fields 'IN=... OUT=... SRC=... DST=...', found 'usb 1-1: new high-speed USB device number 2 using xhci_hcd'");
    expect(errors[1]).toBe('iptables: expected SRC= and DST= after IN= (column 13)');
    expect(errors[2]).toContain("expected netfilter fields");
    expect(errors[3]).toBe('iptables: expected SRC= and DST= after IN= (column 13)');
  });
});
