import { addValue, setChild, setField, toInteger, type EcsEvent } from './ecs.ts';
import { deviceTimeToIso } from './cef.ts';
import { ecsMac, setEndpoint, transportName } from './network-fields.ts';
import type { MessageOutcome } from './types.ts';

/** IBM LEEF predefined attributes with an ECS home. */
const TEXT_MAPPING: Record<string, string> = {
  usrName: 'user.name', accountName: 'user.name', identHostName: 'host.name', url: 'url.original',
  action: 'event.action', policy: 'rule.name', resource: 'leef.attributes.resource',
  srcPostNAT: 'source.nat.ip', dstPostNAT: 'destination.nat.ip', identSrc: 'source.address',
};
const NUMBER_MAPPING: Record<string, string> = {
  srcBytes: 'source.bytes', dstBytes: 'destination.bytes', srcPackets: 'source.packets', dstPackets: 'destination.packets',
  sev: 'event.severity', totalPackets: 'network.packets',
};

/** The 2.0 delimiter field: one character, or its hex code as `0x09` / `x09`; empty means tab. */
function readDelimiter(field: string): string | undefined {
  if (field.length === 0) return '\t';
  if (field.length === 1) return field;
  const hex = field.startsWith('0x') || field.startsWith('0X') ? field.slice(2) : field[0] === 'x' || field[0] === 'X' ? field.slice(1) : undefined;
  if (hex === undefined || hex.length === 0 || hex.length > 4) return undefined;
  for (const c of hex.toLowerCase()) if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return undefined;
  return String.fromCharCode(parseInt(hex, 16));
}

/** Splits `a|b|c|...` into the first `count` fields and the rest. */
function takeFields(text: string, count: number): { fields: string[]; rest: string } | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let n = 0; n < count; n++) {
    const pipe = text.indexOf('|', start);
    if (pipe < 0) return undefined;
    fields.push(text.slice(start, pipe));
    start = pipe + 1;
  }
  return { fields, rest: text.slice(start) };
}

/**
 * IBM Log Event Extended Format: `LEEF:1.0|vendor|product|version|event id|attrs` (tab-separated),
 * `LEEF:2.0|vendor|product|version|event id|delimiter|attrs`.
 */
export function parseLeefMessage(message: string, receivedAt: string): MessageOutcome {
  const start = message.indexOf('LEEF:');
  if (start < 0 || message.slice(0, start).trim() !== '') return { kind: 'unrecognised' };
  const body = message.slice(start + 5);
  const versionEnd = body.indexOf('|');
  const version = versionEnd < 0 ? body : body.slice(0, versionEnd);
  if (version !== '1.0' && version !== '2.0' && version !== '1' && version !== '2') {
    return { kind: 'error', error: `leef: expected version 1.0 or 2.0 after 'LEEF:', found '${version.slice(0, 20)}'` };
  }
  const is2 = version.startsWith('2');
  const header = takeFields(body.slice(versionEnd + 1), is2 ? 5 : 4);
  if (!header) {
    return {
      kind: 'error',
      error: `leef: expected ${is2 ? 'vendor|product|version|event id|delimiter|' : 'vendor|product|version|event id|'} after 'LEEF:${version}|'`,
    };
  }
  const [vendor, product, productVersion, eventId, delimiterField] = header.fields;
  const delimiter = is2 ? readDelimiter(delimiterField) : '\t';
  if (delimiter === undefined) {
    return { kind: 'error', error: `leef: expected a delimiter character or hex code like 'x09' in the 6th header field, found '${delimiterField.slice(0, 20)}'` };
  }
  const attributes = new Map<string, string>();
  for (const pair of header.rest.split(delimiter)) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      return { kind: 'error', error: `leef: expected key=value attributes separated by ${JSON.stringify(delimiter)}, found '${pair.slice(0, 40)}'` };
    }
    attributes.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }

  const fields: EcsEvent = {};
  setField(fields, 'event.module', 'leef');
  setField(fields, 'event.dataset', 'leef.log');
  setField(fields, 'event.kind', 'event');
  setField(fields, 'leef.version', version);
  setField(fields, 'leef.vendor', vendor);
  setField(fields, 'leef.product', product);
  setField(fields, 'leef.product_version', productVersion);
  setField(fields, 'leef.event_id', eventId);
  if (is2) setField(fields, 'leef.delimiter', delimiter);
  setField(fields, 'observer.vendor', vendor);
  setField(fields, 'observer.product', product);
  setField(fields, 'observer.version', productVersion);
  setField(fields, 'event.code', eventId);
  for (const [key, value] of attributes) {
    setChild(fields, 'leef.attributes', key, value);
    if (Object.prototype.hasOwnProperty.call(TEXT_MAPPING, key)) setField(fields, TEXT_MAPPING[key], value);
    else if (Object.prototype.hasOwnProperty.call(NUMBER_MAPPING, key)) setField(fields, NUMBER_MAPPING[key], toInteger(value));
  }
  setEndpoint(fields, 'source', attributes.get('src'), attributes.get('srcPort'));
  setEndpoint(fields, 'destination', attributes.get('dst'), attributes.get('dstPort'));
  setField(fields, 'source.mac', ecsMac(attributes.get('srcMAC')));
  setField(fields, 'destination.mac', ecsMac(attributes.get('dstMAC')));
  setField(fields, 'network.transport', transportName(attributes.get('proto')));
  addValue(fields, 'related.user', attributes.get('usrName'));
  setField(fields, '@timestamp', deviceTimeToIso(attributes.get('devTime'), receivedAt));
  return { kind: 'parsed', fields };
}
