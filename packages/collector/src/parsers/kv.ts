import { addValue, mergeInto, setChild, setField, toInteger, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';
import { tokenizeKeyValues } from './kv-tokens.ts';
import { asFormatError, readLineHeader } from './line-formats.ts';
import { transportName } from './network-fields.ts';
import { headerToEvent } from './syslog-event.ts';
import { anyTimestampToIso, rfc3339ToIso } from './timestamps.ts';
import type { ParseContext, ParseResult } from './types.ts';

/** Key spellings seen across firewalls and applications, and their ECS field. */
const ALIASES: Record<string, string> = {
  src: 'source.ip', srcip: 'source.ip', src_ip: 'source.ip', source_ip: 'source.ip', client_ip: 'source.ip',
  dst: 'destination.ip', dstip: 'destination.ip', dst_ip: 'destination.ip', dest_ip: 'destination.ip',
  spt: 'source.port', srcport: 'source.port', src_port: 'source.port', sport: 'source.port',
  dpt: 'destination.port', dstport: 'destination.port', dst_port: 'destination.port', dport: 'destination.port',
  user: 'user.name', usr: 'user.name', username: 'user.name', user_name: 'user.name', suser: 'user.name',
  action: 'event.action', act: 'event.action', msg: 'message', message: 'message',
  proto: 'network.transport', protocol: 'network.transport', host: 'host.name', hostname: 'host.name',
};
const PORT_FIELDS = new Set(['source.port', 'destination.port']);

/** `key=value` records (quoted values may hold spaces and `\"` escapes); all pairs are kept under `kv.*`. */
export function parseKeyValue(raw: string, ctx: ParseContext): ParseResult {
  if (raw.trim().length === 0) return { ok: false, error: 'kv: expected key=value pairs, found an empty record' };
  const header = readLineHeader(raw, ctx.receivedAt);
  if ('error' in header) return { ok: false, error: asFormatError(header.error, 'kv') };
  const offset = raw.length - header.message.length;
  const { tokens, error, errorAt } = tokenizeKeyValues(header.message);
  if (error) return { ok: false, error: `kv: ${error} at column ${offset + (errorAt ?? 0) + 1}` };
  const pairs = tokens.filter((t) => t.key !== undefined);
  if (pairs.length === 0) {
    return { ok: false, error: `kv: expected key=value pairs at column ${offset + 1}, found '${header.message.slice(0, 40)}'` };
  }
  const fields: EcsEvent = {};
  const values = new Map<string, string>();
  for (const { key, value } of pairs) {
    setChild(fields, 'kv', key!, value);
    if (!values.has(key!)) values.set(key!, value);
    const lower = key!.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(ALIASES, lower)) continue;
    const alias = ALIASES[lower];
    if (alias.endsWith('.ip')) {
      if (isIp(value)) {
        setField(fields, alias, value);
        addValue(fields, 'related.ip', value);
      }
    } else if (PORT_FIELDS.has(alias)) {
      setField(fields, alias, toInteger(value));
    } else if (alias === 'network.transport') {
      setField(fields, alias, transportName(value));
    } else {
      setField(fields, alias, value);
    }
  }
  addValue(fields, 'related.user', (fields.user as { name?: string } | undefined)?.name);
  const date = values.get('date');
  const time = values.get('time');
  const timestamp = date && time ? rfc3339ToIso(`${date}T${time}Z`) : undefined;
  const stamp = timestamp ?? anyTimestampToIso(values.get('timestamp') ?? values.get('ts') ?? values.get('eventtime') ?? time);
  const event = headerToEvent(header, raw, ctx, { module: 'kv', dataset: 'kv.log' });
  mergeInto(event, fields);
  if (stamp) event['@timestamp'] = stamp;
  return { ok: true, event };
}
