import { addValue, setField, toPort, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';

const TRANSPORT_BY_NUMBER: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '47': 'gre', '50': 'esp', '58': 'ipv6-icmp', '132': 'sctp' };

/** `TCP`, `6`, `ICMPv6` to ECS `network.transport` (lowercase IANA keyword). */
export function transportName(proto: string | undefined): string | undefined {
  if (!proto) return undefined;
  if (Object.prototype.hasOwnProperty.call(TRANSPORT_BY_NUMBER, proto)) return TRANSPORT_BY_NUMBER[proto];
  const lower = proto.toLowerCase();
  return lower === 'icmpv6' ? 'ipv6-icmp' : lower;
}

/** Sets `<side>.ip` (only a real address) and `<side>.port`, and records the address in `related.ip`. */
export function setEndpoint(fields: EcsEvent, side: 'source' | 'destination', address: string | undefined, port?: string): void {
  if (address && isIp(address)) {
    setField(fields, `${side}.ip`, address);
    addValue(fields, 'related.ip', address);
  } else if (address) {
    setField(fields, `${side}.address`, address);
  }
  setField(fields, `${side}.port`, toPort(port));
}

const MAC_SEPARATORS = /[:.-]/g;
const TWELVE_HEX = /^[0-9a-fA-F]{12}$/;
const BYTE_PAIRS = /../g;

/** `00:0c:29:5f:8d:a1` or `000c295f8da1` to the ECS form `00-0C-29-5F-8D-A1`; undefined if not a MAC. */
export function ecsMac(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (text.length > 17) return undefined;
  const hex = text.replace(MAC_SEPARATORS, '');
  if (!TWELVE_HEX.test(hex)) return undefined;
  return hex.toUpperCase().match(BYTE_PAIRS)!.join('-');
}
