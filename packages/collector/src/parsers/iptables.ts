import { setField, toInteger, type EcsEvent } from './ecs.ts';
import { tokenizeKeyValues } from './kv-tokens.ts';
import { ecsMac, setEndpoint, transportName } from './network-fields.ts';
import type { MessageOutcome } from './types.ts';

const TCP_FLAGS = new Set(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN']);
const FRAGMENT_FLAGS = new Set(['CE', 'DF', 'MF']);
const NUMERIC_FIELDS: Record<string, string> = {
  LEN: 'iptables.length', TTL: 'iptables.ttl', ID: 'iptables.id', WINDOW: 'iptables.tcp.window',
  URGP: 'iptables.tcp.urgent_pointer', TYPE: 'iptables.icmp.type', CODE: 'iptables.icmp.code',
  HOPLIMIT: 'iptables.ttl', FLOWLBL: 'iptables.flow_label', MARK: 'iptables.mark',
};
const TEXT_FIELDS: Record<string, string> = {
  TOS: 'iptables.tos', PREC: 'iptables.precedence_bits', RES: 'iptables.tcp.reserved_bits', TC: 'iptables.tos',
  PHYSIN: 'iptables.physical_in', PHYSOUT: 'iptables.physical_out',
};
const NUMERIC_ENTRIES = Object.entries(NUMERIC_FIELDS);
const TEXT_ENTRIES = Object.entries(TEXT_FIELDS);

/** Finds `IN=` at the start of a word; the log prefix (`[UFW BLOCK]`, `DROP:`) is what precedes it. */
function findFieldsStart(message: string): number {
  let at = message.indexOf('IN=');
  while (at > 0 && message[at - 1] !== ' ') at = message.indexOf('IN=', at + 1);
  return at;
}

/** `[UFW BLOCK]` → block; an iptables `--log-prefix` naming a verdict is read the same way. */
function actionFromPrefix(prefix: string): string {
  const upper = prefix.toUpperCase();
  if (upper.startsWith('[UFW ')) {
    if (upper.includes('BLOCK')) return 'block';
    if (upper.includes('ALLOW')) return 'allow';
    if (upper.includes('LIMIT')) return 'limit';
    return 'audit';
  }
  if (upper.includes('DROP') || upper.includes('REJECT') || upper.includes('DENY') || upper.includes('BLOCK')) return 'block';
  if (upper.includes('ACCEPT') || upper.includes('ALLOW') || upper.includes('PASS')) return 'allow';
  return 'log';
}

/** Strips the kernel's uptime stamp `[ 1234.567890]` that dmesg-style lines carry. */
function stripKernelUptime(message: string): string {
  if (message[0] !== '[') return message;
  const close = message.indexOf(']');
  if (close < 0 || close > 20) return message;
  for (let i = 1; i < close; i++) {
    const c = message[i];
    if (c !== ' ' && c !== '.' && (c < '0' || c > '9')) return message;
  }
  return message.slice(close + 1).trimStart();
}

/** Netfilter LOG target lines (iptables, nftables `log`, ufw) as the kernel writes them. */
export function parseIptablesMessage(message: string): MessageOutcome {
  const text = stripKernelUptime(message);
  const start = findFieldsStart(text);
  if (start < 0) return { kind: 'unrecognised' };
  const prefix = text.slice(0, start).trim();
  const values = new Map<string, string>();
  const tcpFlags: string[] = [];
  const fragmentFlags: string[] = [];
  const icmp = new Map<string, string>();
  let afterProto = false;
  for (const token of tokenizeKeyValues(text.slice(start), '').tokens) {
    if (token.key === 'PROTO') afterProto = true;
    if (afterProto && (token.key === 'ID' || token.key === 'SEQ') && !icmp.has(token.key)) {
      // After PROTO=ICMP, ID and SEQ belong to the echo request, not to the IP header.
      icmp.set(token.key, token.value);
      continue;
    }
    if (token.key === undefined) {
      if (TCP_FLAGS.has(token.value)) tcpFlags.push(token.value);
      else if (FRAGMENT_FLAGS.has(token.value)) fragmentFlags.push(token.value);
    } else if (!values.has(token.key)) {
      // ICMP errors quote the offending packet in [SRC=... DST=...]; the outer header comes first and wins.
      values.set(token.key, token.value);
    }
  }
  const src = values.get('SRC');
  const dst = values.get('DST');
  if (!src || !dst) {
    return { kind: 'error', error: `iptables: expected SRC= and DST= after IN= (column ${start + 1})` };
  }
  const action = actionFromPrefix(prefix);
  const fields: EcsEvent = {};
  setField(fields, 'event.module', 'iptables');
  setField(fields, 'event.dataset', 'iptables.log');
  setField(fields, 'event.kind', 'event');
  setField(fields, 'event.action', action);
  setField(fields, 'event.category', ['network']);
  setField(fields, 'event.type', action === 'block' ? ['connection', 'denied'] : action === 'allow' ? ['connection', 'allowed'] : ['connection']);
  setField(fields, 'iptables.prefix', prefix);
  setField(fields, 'observer.ingress.interface.name', values.get('IN'));
  setField(fields, 'observer.egress.interface.name', values.get('OUT'));
  setEndpoint(fields, 'source', src, values.get('SPT'));
  setEndpoint(fields, 'destination', dst, values.get('DPT'));
  setField(fields, 'network.type', src.includes(':') ? 'ipv6' : 'ipv4');
  setField(fields, 'network.transport', transportName(values.get('PROTO')));
  const mac = values.get('MAC');
  if (mac) {
    // MAC= is destination (6 bytes), source (6 bytes), then the EtherType.
    const bytes = mac.split(':');
    setField(fields, 'destination.mac', ecsMac(bytes.slice(0, 6).join(':')));
    setField(fields, 'source.mac', ecsMac(bytes.slice(6, 12).join(':')));
    if (bytes.length >= 14) setField(fields, 'iptables.ether_type', toInteger(String(parseInt(bytes.slice(12, 14).join(''), 16))));
  }
  for (const [key, path] of NUMERIC_ENTRIES) setField(fields, path, toInteger(values.get(key)));
  for (const [key, path] of TEXT_ENTRIES) setField(fields, path, values.get(key));
  setField(fields, 'iptables.icmp.id', toInteger(icmp.get('ID')));
  setField(fields, 'iptables.icmp.seq', toInteger(icmp.get('SEQ')));
  if (tcpFlags.length > 0) setField(fields, 'iptables.tcp.flags', tcpFlags);
  if (fragmentFlags.length > 0) setField(fields, 'iptables.fragment_flags', fragmentFlags);
  return { kind: 'parsed', fields };
}
