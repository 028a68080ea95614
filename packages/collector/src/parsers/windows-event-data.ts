import { addValue, getField, toInteger, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';
import { transportName } from './network-fields.ts';
import { baseName, fill, fillUser, processId } from './windows-values.ts';

/** How an event-data string becomes an ECS value. */
type Conversion = 'text' | 'ip' | 'port' | 'pid' | 'number' | 'executable' | 'file' | 'account' | 'bool' | 'transport';

type Mapping = readonly [eventDataName: string, ecsPath: string, conversion: Conversion];

/**
 * Event-data fields Winlogbeat's sysmon module copies to ECS; they are also the ECS names pySigma's
 * `ecs_windows` pipeline maps the Sigma fields to.
 */
const SYSMON: readonly Mapping[] = [
  ['ProcessGuid', 'process.entity_id', 'text'], ['ProcessId', 'process.pid', 'pid'],
  ['Image', 'process.executable', 'executable'], ['User', 'user.name', 'account'],
  ['SourceProcessGuid', 'process.entity_id', 'text'], ['SourceProcessId', 'process.pid', 'pid'],
  ['SourceImage', 'process.executable', 'executable'], ['SourceThreadId', 'process.thread.id', 'pid'],
  ['SourceIp', 'source.ip', 'ip'], ['SourcePort', 'source.port', 'port'], ['SourceHostname', 'source.domain', 'text'],
  ['DestinationIp', 'destination.ip', 'ip'], ['DestinationPort', 'destination.port', 'port'],
  ['DestinationHostname', 'destination.domain', 'text'], ['DestinationPortName', 'network.protocol', 'text'],
  ['Protocol', 'network.transport', 'transport'],
  ['TargetFilename', 'file.path', 'file'], ['ImageLoaded', 'file.path', 'file'], ['Device', 'file.path', 'text'],
  ['PipeName', 'file.name', 'text'], ['TargetObject', 'registry.path', 'text'], ['QueryName', 'dns.question.name', 'text'],
  ['QueryStatus', 'sysmon.dns.status', 'text'], ['Signed', 'file.code_signature.signed', 'bool'],
  ['Signature', 'file.code_signature.subject_name', 'text'], ['SignatureStatus', 'file.code_signature.status', 'text'],
  ['IsExecutable', 'sysmon.file.is_executable', 'bool'], ['Archived', 'sysmon.file.archived', 'bool'],
];

/** Security log: the target account of logon events wins over the subject (Winlogbeat's security module). */
const SECURITY_TARGET: readonly Mapping[] = [
  ['TargetUserName', 'user.name', 'text'], ['TargetDomainName', 'user.domain', 'text'],
  ['TargetUserSid', 'user.id', 'text'], ['TargetLogonId', 'winlog.logon.id', 'text'],
];
const SECURITY: readonly Mapping[] = [
  ['SubjectUserName', 'user.name', 'text'], ['SubjectDomainName', 'user.domain', 'text'],
  ['SubjectUserSid', 'user.id', 'text'], ['SubjectLogonId', 'winlog.logon.id', 'text'],
  ['IpAddress', 'source.ip', 'ip'], ['IpPort', 'source.port', 'port'], ['WorkstationName', 'source.domain', 'text'],
  ['ServiceName', 'service.name', 'text'], ['ProcessName', 'process.executable', 'executable'],
  ['ProcessId', 'process.pid', 'pid'],
];
const POWERSHELL_OPERATIONAL: readonly Mapping[] = [
  ['ScriptBlockText', 'powershell.file.script_block_text', 'text'], ['ScriptBlockId', 'powershell.file.script_block_id', 'text'],
  ['MessageNumber', 'powershell.sequence', 'number'], ['MessageTotal', 'powershell.total', 'number'], ['Path', 'file.path', 'text'],
];

const LOGON_EVENTS = new Set(['4624', '4625', '4634', '4647', '4648', '4768', '4769', '4771', '4776', '4778', '4779']);

const LOGON_TYPES: Record<string, string> = {
  '2': 'Interactive', '3': 'Network', '4': 'Batch', '5': 'Service', '7': 'Unlock', '8': 'NetworkCleartext',
  '9': 'NewCredentials', '10': 'RemoteInteractive', '11': 'CachedInteractive',
};

/** Security events Winlogbeat names: action, category, type, outcome. */
const SECURITY_ACTIONS: Record<string, readonly [string, string, string, string?]> = {
  '4624': ['logged-in', 'authentication', 'start', 'success'],
  '4625': ['logon-failed', 'authentication', 'start', 'failure'],
  '4634': ['logged-out', 'authentication', 'end', 'success'],
  '4647': ['logged-out', 'authentication', 'end', 'success'],
  '4648': ['logged-in-explicit', 'authentication', 'start', 'success'],
  '4672': ['logged-in-special', 'iam', 'admin', 'success'],
  '4720': ['added-user-account', 'iam', 'creation', 'success'],
  '4722': ['enabled-user-account', 'iam', 'change', 'success'],
  '4724': ['reset-password', 'iam', 'change', 'success'],
  '4725': ['disabled-user-account', 'iam', 'change', 'success'],
  '4726': ['deleted-user-account', 'iam', 'deletion', 'success'],
  '4728': ['added-member-to-group', 'iam', 'change', 'success'],
  '4732': ['added-member-to-group', 'iam', 'change', 'success'],
  '4756': ['added-member-to-group', 'iam', 'change', 'success'],
  '4697': ['service-installed', 'configuration', 'creation', 'success'],
  '1102': ['audit-log-cleared', 'iam', 'admin', 'success'],
};

function convert(value: string, conversion: Conversion): unknown {
  switch (conversion) {
    case 'ip': return isIp(value) ? value : undefined;
    case 'port': {
      const port = toInteger(value);
      return port !== undefined && port <= 65535 ? port : undefined;
    }
    case 'pid': return processId(value);
    case 'number': return toInteger(value);
    case 'bool': return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'transport': return transportName(value);
    default: return value;
  }
}

function apply(event: EcsEvent, data: Record<string, string>, mappings: readonly Mapping[]): void {
  for (const [name, path, conversion] of mappings) {
    const value = data[name];
    // Windows writes '-' for "no value".
    if (value === undefined || value === '-' || !Object.prototype.hasOwnProperty.call(data, name)) continue;
    if (conversion === 'account') {
      fillUser(event, value);
    } else if (conversion === 'executable') {
      fill(event, path, value);
      fill(event, 'process.name', baseName(value));
    } else if (conversion === 'file') {
      fill(event, path, value);
      fill(event, 'file.name', baseName(value));
    } else {
      fill(event, path, convert(value, conversion));
    }
  }
}

/** Copies event data to the ECS fields Winlogbeat would set, never overwriting what the event already has. */
export function fillFromEventData(event: EcsEvent, channel: string, eventId: string, data: Record<string, string>): void {
  if (channel === 'Microsoft-Windows-Sysmon/Operational') {
    apply(event, data, SYSMON);
    const initiated = data.Initiated;
    if (initiated === 'true' || initiated === 'false') fill(event, 'network.direction', initiated === 'true' ? 'egress' : 'ingress');
  } else if (channel === 'Security') {
    if (LOGON_EVENTS.has(eventId)) apply(event, data, SECURITY_TARGET);
    apply(event, data, SECURITY);
    const logonType = data.LogonType;
    if (logonType !== undefined && Object.prototype.hasOwnProperty.call(LOGON_TYPES, logonType)) {
      fill(event, 'winlog.logon.type', LOGON_TYPES[logonType]);
    }
    if (Object.prototype.hasOwnProperty.call(SECURITY_ACTIONS, eventId)) {
      const [action, category, type, outcome] = SECURITY_ACTIONS[eventId];
      fill(event, 'event.action', action);
      fill(event, 'event.category', [category]);
      fill(event, 'event.type', [type]);
      fill(event, 'event.outcome', outcome);
    }
  } else if (channel === 'Microsoft-Windows-PowerShell/Operational') {
    apply(event, data, POWERSHELL_OPERATIONAL);
  }
  const user = getField(event, 'user.name');
  if (typeof user === 'string') addValue(event, 'related.user', user);
  const sourceIp = getField(event, 'source.ip');
  if (typeof sourceIp === 'string') addValue(event, 'related.ip', sourceIp);
  const destinationIp = getField(event, 'destination.ip');
  if (typeof destinationIp === 'string') addValue(event, 'related.ip', destinationIp);
}
