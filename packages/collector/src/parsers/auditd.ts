import { addValue, setChild, setField, toInteger, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';
import { tokenizeKeyValues, type KeyValueToken } from './kv-tokens.ts';
import { epochSecondsToIso } from './timestamps.ts';
import type { MessageOutcome } from './types.ts';

/** Fields auditd hex-encodes when the value holds a space, quote or control character (auparse "escaped"). */
const ENCODED_FIELDS = new Set([
  'comm', 'exe', 'cwd', 'name', 'path', 'proctitle', 'data', 'key', 'acct', 'cmd', 'dir', 'file', 'new', 'old',
  'ocomm', 'watch', 'root_dir', 'vm', 'grp', 'new_group', 'old_group', 'sw', 'unit',
]);

/** ECS event categorisation per record type, after Filebeat's auditd module and Auditbeat. */
const RECORD_CATEGORIES: Record<string, [string, string]> = {
  USER_LOGIN: ['authentication', 'start'], USER_AUTH: ['authentication', 'info'], USER_ACCT: ['authentication', 'info'],
  USER_ERR: ['authentication', 'info'], USER_LOGOUT: ['authentication', 'end'], CRED_ACQ: ['authentication', 'info'],
  USER_START: ['session', 'start'], USER_END: ['session', 'end'], CRED_DISP: ['session', 'end'], LOGIN: ['session', 'start'],
  USER_CMD: ['process', 'start'], EXECVE: ['process', 'start'], SERVICE_START: ['process', 'start'],
  SERVICE_STOP: ['process', 'end'], ADD_USER: ['iam', 'creation'], DEL_USER: ['iam', 'deletion'],
  ADD_GROUP: ['iam', 'creation'], DEL_GROUP: ['iam', 'deletion'], USER_MGMT: ['iam', 'change'],
  USER_CHAUTHTOK: ['iam', 'change'], GRP_MGMT: ['iam', 'change'], CONFIG_CHANGE: ['configuration', 'change'],
  DAEMON_START: ['process', 'start'], DAEMON_END: ['process', 'end'], PATH: ['file', 'info'], CWD: ['file', 'info'],
};

const EXECVE_ARGUMENT = /^a\d{1,4}$/;

function isHexEncoded(value: string): boolean {
  if (value.length === 0 || value.length % 2 !== 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

const utf8 = new TextDecoder('utf-8');

/** Decodes auditd's upper-case hex; arguments in proctitle are NUL-separated and come out space-separated. */
function decodeHex(value: string): string {
  const bytes = new Uint8Array(value.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(value.slice(i * 2, i * 2 + 2), 16);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return utf8.decode(bytes.subarray(0, end)).replaceAll('\0', ' ');
}

function decodedValue(token: KeyValueToken, recordType: string): string {
  const encodable = ENCODED_FIELDS.has(token.key!) || (recordType === 'EXECVE' && EXECVE_ARGUMENT.test(token.key!));
  return !token.quoted && encodable && isHexEncoded(token.value) ? decodeHex(token.value) : token.value;
}

function outcomeOf(values: Map<string, string>): 'success' | 'failure' | undefined {
  const result = values.get('success') ?? values.get('res') ?? values.get('result');
  if (result === undefined) return undefined;
  if (result === 'yes' || result === 'success' || result === '1') return 'success';
  if (result === 'no' || result === 'failed' || result === 'fail' || result === '0') return 'failure';
  return undefined;
}

/** auditd's "unset" markers: -1 as an unsigned id, `?` and `(null)`. */
function meaningful(value: string | undefined): string | undefined {
  return value === undefined || value === '?' || value === '(null)' || value === '4294967295' || value === '-1' ? undefined : value;
}

// `node=host type=SYSCALL msg=audit(1364481363.243:24287): ...`; the kernel's own form omits `msg=`.
const HEADER = /^(?:node=(\S{1,255}) )?type=(\w{1,40}) (?:msg=)?audit\((\d{1,12}(?:\.\d{1,9})?):(\d{1,20})\): ?/;

/** One line of /var/log/audit/audit.log (or the same record relayed through syslog). */
export function parseAuditdMessage(message: string): MessageOutcome {
  const header = HEADER.exec(message);
  if (!header) {
    if (!message.startsWith('type=') && !message.startsWith('node=')) return { kind: 'unrecognised' };
    return { kind: 'error', error: `auditd: expected 'type=<TYPE> msg=audit(<seconds>.<millis>:<serial>): ' at column 1, found '${message.slice(0, 60)}'` };
  }
  const [prefix, node, recordType, seconds, serial] = header;
  // ENRICHED log format appends interpreted fields after a 0x1D separator (UID="root" ...).
  const body = message.slice(prefix.length).replaceAll('\x1d', ' ');
  const tokenized = tokenizeKeyValues(body);
  if (tokenized.error) return { kind: 'error', error: `auditd: ${tokenized.error} at column ${prefix.length + (tokenized.errorAt ?? 0) + 1}` };

  const values = new Map<string, string>();
  const args: string[] = [];
  const collect = (token: KeyValueToken): void => {
    if (token.key === undefined) return;
    const value = decodedValue(token, recordType);
    if (!values.has(token.key)) values.set(token.key, value);
    if (recordType === 'EXECVE' && EXECVE_ARGUMENT.test(token.key)) args[Number(token.key.slice(1))] = value;
  };
  for (const token of tokenized.tokens) {
    // User-space records carry their own key=value list inside msg='...'.
    if (token.key === 'msg' && token.quoted) {
      for (const inner of tokenizeKeyValues(token.value).tokens) collect(inner);
    } else {
      collect(token);
    }
  }

  const fields: EcsEvent = {};
  setField(fields, 'event.module', 'auditd');
  setField(fields, 'event.dataset', 'auditd.log');
  setField(fields, 'event.kind', 'event');
  setField(fields, 'event.action', recordType.toLowerCase());
  const category = Object.prototype.hasOwnProperty.call(RECORD_CATEGORIES, recordType) ? RECORD_CATEGORIES[recordType] : undefined;
  if (category) {
    setField(fields, 'event.category', [category[0]]);
    setField(fields, 'event.type', [category[1]]);
  }
  setField(fields, 'event.outcome', outcomeOf(values));
  setField(fields, '@timestamp', epochSecondsToIso(seconds));
  setField(fields, 'auditd.log.record_type', recordType);
  setField(fields, 'auditd.log.sequence', toInteger(serial));
  setField(fields, 'auditd.log.node', node);
  for (const [key, value] of values) setChild(fields, 'auditd.log', key, value);

  setField(fields, 'process.pid', toInteger(values.get('pid')));
  setField(fields, 'process.parent.pid', toInteger(values.get('ppid')));
  setField(fields, 'process.executable', meaningful(values.get('exe')));
  setField(fields, 'process.name', meaningful(values.get('comm')));
  setField(fields, 'process.title', values.get('proctitle'));
  if (recordType === 'CWD') setField(fields, 'process.working_directory', values.get('cwd'));
  if (recordType === 'PATH') setField(fields, 'file.path', meaningful(values.get('name')));
  if (args.length > 0) {
    const present = args.filter((a) => a !== undefined);
    setField(fields, 'process.args', present);
    setField(fields, 'process.args_count', present.length);
    setField(fields, 'process.command_line', present.join(' '));
  }
  setField(fields, 'user.id', meaningful(values.get('uid')));
  setField(fields, 'user.effective.id', meaningful(values.get('euid')));
  setField(fields, 'user.audit.id', meaningful(values.get('auid')));
  setField(fields, 'group.id', meaningful(values.get('gid')));
  setField(fields, 'user.effective.group.id', meaningful(values.get('egid')));
  const account = meaningful(values.get('acct')) ?? meaningful(values.get('UID'));
  setField(fields, 'user.name', account);
  addValue(fields, 'related.user', account);
  const address = meaningful(values.get('addr'));
  if (isIp(address)) {
    setField(fields, 'source.ip', address);
    addValue(fields, 'related.ip', address);
  }
  setField(fields, 'source.domain', meaningful(values.get('hostname')));
  setField(fields, 'tags', meaningful(values.get('key')) ? [values.get('key')!] : undefined);
  return { kind: 'parsed', fields };
}
