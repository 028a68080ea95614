import { addValue, getField, setChild, setField, toInteger, type EcsEvent } from './ecs.ts';
import { readBsdTimestamp } from './syslog-3164.ts';
import { ecsMac, setEndpoint, transportName } from './network-fields.ts';
import { anyTimestampToIso } from './timestamps.ts';
import type { MessageOutcome } from './types.ts';

const HEADER_NAMES = ['version', 'device.vendor', 'device.product', 'device.version', 'device.event_class_id', 'name', 'severity'];

/** CEF extension keys (ArcSight dictionary) with a direct ECS home, following Filebeat's CEF decoder. */
const TEXT_MAPPING: Record<string, string> = {
  act: 'event.action', app: 'network.protocol', msg: 'message', reason: 'event.reason', outcome: 'event.outcome',
  externalId: 'event.id', request: 'url.original', requestMethod: 'http.request.method',
  requestClientApplication: 'user_agent.original', requestContext: 'http.request.referrer',
  shost: 'source.domain', dhost: 'destination.domain', dvchost: 'observer.hostname',
  suser: 'source.user.name', suid: 'source.user.id', duser: 'destination.user.name', duid: 'destination.user.id',
  sntdom: 'source.user.domain', dntdom: 'destination.user.domain',
  sproc: 'source.process.name', dproc: 'destination.process.name', deviceProcessName: 'process.name',
  fname: 'file.name', filePath: 'file.path', fileHash: 'file.hash.md5', fileType: 'file.type',
  deviceExternalId: 'observer.name', dvc: 'observer.ip',
  cat: 'cef.extensions.deviceEventCategory',
};
const NUMBER_MAPPING: Record<string, string> = {
  in: 'source.bytes', out: 'destination.bytes', spid: 'source.process.pid', dpid: 'destination.process.pid',
  dvcpid: 'process.pid', fsize: 'file.size', cnt: 'cef.extensions.baseEventCount',
};

/** `deviceDirection` is 0 or 1 in the CEF dictionary; Filebeat's decoder writes these ECS words. */
const DIRECTIONS: Record<string, string> = { '0': 'inbound', '1': 'outbound' };

/**
 * Device products that are network firewalls (lower case), for `observer.type: firewall`. Products named
 * otherwise are recognised by their event category (`cat`), e.g. FortiGate's `traffic:forward`.
 */
const FIREWALL_PRODUCTS = new Set(['fortigate', 'pan-os', 'asa', 'pix', 'firepower', 'srx', 'ngfw', 'firebox', 'sonicos']);

/** `act` values meaning the firewall let the connection through (Fortinet reports how an allowed session ended). */
const ALLOWED_ACTIONS = new Set(['accept', 'allow', 'allowed', 'permit', 'pass', 'close', 'timeout', 'client-rst', 'server-rst']);
const DENIED_ACTIONS = new Set(['deny', 'denied', 'drop', 'dropped', 'block', 'blocked', 'reject', 'reset-both', 'reset-client', 'reset-server']);

function isFirewall(product: string, category: string | undefined): boolean {
  const name = product.toLowerCase();
  if (FIREWALL_PRODUCTS.has(name) || name.includes('firewall')) return true;
  const cat = category?.toLowerCase();
  return cat !== undefined && (cat.startsWith('traffic') || cat.includes('firewall'));
}

/** A record naming both ends of a connection is a network event; `act` says whether it was let through. */
function setConnectionFields(fields: EcsEvent, action: string | undefined): void {
  if (getField(fields, 'source.ip') === undefined || getField(fields, 'destination.ip') === undefined) return;
  setField(fields, 'event.category', ['network']);
  const verdict = action?.toLowerCase();
  const type = verdict === undefined ? undefined : ALLOWED_ACTIONS.has(verdict) ? 'allowed' : DENIED_ACTIONS.has(verdict) ? 'denied' : undefined;
  setField(fields, 'event.type', type ? ['connection', type] : ['connection']);
}

function isKeyChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 95 || code === 46 || code === 45 || code === 91 || code === 93;
}

/** Splits the 7 header fields on unescaped `|`, unescaping `\|` and `\\`; returns them and where the extension starts. */
function splitHeader(text: string): { fields: string[]; extensionStart: number } | undefined {
  const fields: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length && fields.length < 7) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i += 2;
    } else if (c === '|') {
      fields.push(current);
      current = '';
      i++;
    } else {
      current += c;
      i++;
    }
  }
  return fields.length === 7 ? { fields, extensionStart: i } : undefined;
}

/** Does ` key=` start at `i` (a space followed by key characters and an `=`)? Scans only the key. */
function keyFollows(text: string, i: number): boolean {
  let j = i + 1;
  while (j < text.length && isKeyChar(text.charCodeAt(j))) j++;
  return j > i + 1 && text[j] === '=';
}

function unescapeExtension(c: string): string {
  return c === 'n' ? '\n' : c === 'r' ? '\r' : c;
}

/**
 * Extension `key=value` pairs: a value runs until the next ` key=`, so it may contain spaces;
 * `\=`, `\\`, `\n`, `\r` are unescaped.
 */
export function parseCefExtension(text: string, offset: number): Map<string, string> | { error: string } {
  const values = new Map<string, string>();
  let i = 0;
  while (i < text.length && text[i] === ' ') i++;
  while (i < text.length) {
    const keyStart = i;
    while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
    if (i === keyStart || text[i] !== '=') {
      return { error: `cef: expected key=value in the extension at column ${offset + keyStart + 1}, found '${text.slice(keyStart, keyStart + 20)}'` };
    }
    const key = text.slice(keyStart, i);
    i++;
    let value = '';
    let runStart = i;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length) {
        value += text.slice(runStart, i) + unescapeExtension(text[i + 1]);
        i += 2;
        runStart = i;
      } else if (c === ' ' && keyFollows(text, i)) {
        break;
      } else {
        i++;
      }
    }
    value += text.slice(runStart, i);
    values.set(key, value.trimEnd());
    while (i < text.length && text[i] === ' ') i++;
  }
  return values;
}

/** CEF time fields: epoch milliseconds, `MMM dd yyyy HH:mm:ss[.SSS][ zone]`, `MMM dd HH:mm:ss` or RFC 3339. */
export function deviceTimeToIso(value: string | undefined, receivedAt: string): string | undefined {
  if (!value) return undefined;
  if (value.length >= 12 && toInteger(value) !== undefined) return anyTimestampToIso(Number(value));
  const bsd = readBsdTimestamp(value, 0, receivedAt);
  if (bsd && bsd.end === value.length) return bsd.timestamp;
  return anyTimestampToIso(value);
}

const NAMED_SEVERITIES: Record<string, number> = { low: 3, medium: 6, high: 8, 'very-high': 10, unknown: 0 };

/** `low`..`very-high` or 0-10 to a number for `event.severity`. */
function severityNumber(text: string): number | undefined {
  const n = toInteger(text);
  if (n !== undefined) return n;
  const name = text.toLowerCase();
  return Object.prototype.hasOwnProperty.call(NAMED_SEVERITIES, name) ? NAMED_SEVERITIES[name] : undefined;
}

/** ArcSight Common Event Format: `CEF:0|vendor|product|version|class id|name|severity|extension`. */
export function parseCefMessage(message: string, receivedAt: string): MessageOutcome {
  const start = message.indexOf('CEF:');
  if (start < 0 || message.slice(0, start).trim() !== '') return { kind: 'unrecognised' };
  const body = message.slice(start + 4).trimStart();
  const header = splitHeader(body);
  if (!header) {
    const pipes = body.split('|').length - 1;
    return { kind: 'error', error: `cef: expected 7 '|'-terminated header fields after 'CEF:' (version|vendor|product|version|class id|name|severity|), found ${pipes} '|'` };
  }
  const [version, vendor, product, deviceVersion, classId, name, severity] = header.fields;
  if (toInteger(version) === undefined) return { kind: 'error', error: `cef: expected a version number after 'CEF:', found '${version}'` };
  const offset = message.length - body.length + header.extensionStart;
  const extension = parseCefExtension(body.slice(header.extensionStart), offset);
  if ('error' in extension) return { kind: 'error', error: extension.error };

  const fields: EcsEvent = {};
  setField(fields, 'event.module', 'cef');
  setField(fields, 'event.dataset', 'cef.log');
  setField(fields, 'event.kind', 'event');
  header.fields.forEach((value, index) => setField(fields, `cef.${HEADER_NAMES[index]}`, value));
  setField(fields, 'observer.vendor', vendor);
  setField(fields, 'observer.product', product);
  setField(fields, 'observer.version', deviceVersion);
  setField(fields, 'event.code', classId);
  setField(fields, 'message', name);
  setField(fields, 'event.severity', severityNumber(severity));
  for (const [key, value] of extension) {
    setChild(fields, 'cef.extensions', key, value);
    if (Object.prototype.hasOwnProperty.call(TEXT_MAPPING, key)) setField(fields, TEXT_MAPPING[key], value);
    else if (Object.prototype.hasOwnProperty.call(NUMBER_MAPPING, key)) setField(fields, NUMBER_MAPPING[key], toInteger(value));
  }
  setEndpoint(fields, 'source', extension.get('src') ?? extension.get('c6a2'), extension.get('spt'));
  setEndpoint(fields, 'destination', extension.get('dst') ?? extension.get('c6a3'), extension.get('dpt'));
  setField(fields, 'source.mac', ecsMac(extension.get('smac')));
  setField(fields, 'destination.mac', ecsMac(extension.get('dmac')));
  setField(fields, 'observer.mac', ecsMac(extension.get('dvcmac')));
  setField(fields, 'network.transport', transportName(extension.get('proto')));
  const direction = extension.get('deviceDirection');
  if (direction !== undefined && Object.prototype.hasOwnProperty.call(DIRECTIONS, direction)) {
    setField(fields, 'network.direction', DIRECTIONS[direction]);
  }
  if (isFirewall(product, extension.get('cat'))) setField(fields, 'observer.type', 'firewall');
  setConnectionFields(fields, extension.get('act'));
  addValue(fields, 'related.user', extension.get('suser'));
  addValue(fields, 'related.user', extension.get('duser'));
  const outcome = extension.get('outcome')?.toLowerCase();
  if (outcome !== undefined) {
    setField(fields, 'event.outcome', outcome === 'success' || outcome === 'failure' ? outcome : 'unknown');
  }
  setField(fields, '@timestamp', deviceTimeToIso(extension.get('rt'), receivedAt));
  setField(fields, 'event.start', deviceTimeToIso(extension.get('start'), receivedAt));
  setField(fields, 'event.end', deviceTimeToIso(extension.get('end'), receivedAt));
  const url = extension.get('request');
  if (url) {
    const query = url.indexOf('?');
    setField(fields, 'url.query', query >= 0 ? url.slice(query + 1) : undefined);
  }
  return { kind: 'parsed', fields };
}
