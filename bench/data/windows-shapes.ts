/** Shapes neutral Windows records as evtx_dump JSON or as Winlogbeat/ECS documents. */
import { mapFieldName, type Pipeline } from '../../packages/core/src/pipeline/index.ts';
import type { EventValue, WindowsRecord } from './windows-templates.ts';

type Json = Record<string, unknown>;

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** `evtx_dump -o jsonl` prints one `{"Event": {...}}` object per record. */
export function toEvtx(r: WindowsRecord, recordId: number): Json {
  const event: Json = {
    '#attributes': { xmlns: EVENT_NS },
    System: {
      Provider: { '#attributes': { Name: r.provider, Guid: r.providerGuid } },
      EventID: r.eventId,
      Version: r.provider === 'Microsoft-Windows-Sysmon' ? 5 : r.eventId === 4688 ? 2 : 1,
      Level: r.eventId === 4625 ? 0 : 4,
      Task: r.provider === 'Microsoft-Windows-Sysmon' ? r.eventId : 12544,
      Opcode: 0,
      Keywords: r.channel === 'Security' ? (r.eventId === 4625 ? '0x8010000000000000' : '0x8020000000000000') : '0x8000000000000000',
      TimeCreated: { '#attributes': { SystemTime: new Date(r.time).toISOString().replace('Z', '000Z') } },
      EventRecordID: recordId,
      Correlation: null,
      Execution: { '#attributes': { ProcessID: r.channel === 'Security' ? 636 : 3120, ThreadID: 4000 + (recordId % 900) } },
      Channel: r.channel,
      Computer: r.computer,
      Security: r.channel === 'Security' ? null : { '#attributes': { UserID: 'S-1-5-18' } },
    },
  };
  if (r.userData) {
    event.UserData = { [r.userData.element]: { '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, ...r.userData.fields } };
  } else {
    event.EventData = r.data;
  }
  return { Event: event };
}

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Json;
  }
  const last = keys[keys.length - 1]!;
  if (!(last in node)) node[last] = value;
}

const MODULE_BY_PROVIDER: Record<string, string> = {
  'Microsoft-Windows-Sysmon': 'sysmon',
  'Microsoft-Windows-Security-Auditing': 'security',
  'Microsoft-Windows-Eventlog': 'security',
  'Microsoft-Windows-PowerShell': 'powershell',
};

/** As Winlogbeat's modules / Elastic Agent's integrations (and the Socle collector) name them. */
const DATASET_BY_CHANNEL: Record<string, string> = {
  Security: 'system.security',
  'Microsoft-Windows-Sysmon/Operational': 'windows.sysmon_operational',
  'Microsoft-Windows-PowerShell/Operational': 'windows.powershell_operational',
};

const ECS_CATEGORY: Record<string, [string[], string[]]> = {
  process_creation: [['process'], ['start']],
  process_termination: [['process'], ['end']],
  network_connection: [['network'], ['connection', 'start']],
  image_load: [['library'], ['start']],
  process_access: [['process'], ['access']],
  file_event: [['file'], ['creation']],
  registry_add: [['registry'], ['creation']],
  registry_set: [['registry'], ['change']],
  dns_query: [['network'], ['protocol', 'info']],
};

/**
 * Winlogbeat/ECS: each Windows field goes where `windows-ecs.yml` says a Sigma rule will look for it (the
 * pipeline follows Winlogbeat's modules), so the data set and the shipped pipeline agree by construction.
 */
/** The record with Sigma's own (flat) field names, as evaluated without a pipeline: `EventID`, `Channel`, the data. */
export function toFlat(r: WindowsRecord, recordId: number): Json {
  return {
    '@timestamp': new Date(r.time).toISOString(),
    EventID: r.eventId,
    Channel: r.channel,
    Provider_Name: r.provider,
    Computer: r.computer,
    EventRecordID: recordId,
    ...(r.userData ? r.userData.fields : r.data),
  };
}

export function makeEcsShaper(pipeline: Pipeline): (r: WindowsRecord, recordId: number) => Json {
  const targets = new Map<string, string>();
  const targetOf = (name: string, r: WindowsRecord): string => {
    const key = `${r.logsource.category ?? ''}/${r.logsource.service}/${name}`;
    let target = targets.get(key);
    if (target === undefined) {
      target = mapFieldName(name, { product: 'windows', ...r.logsource }, [pipeline])[0] ?? `winlog.event_data.${name}`;
      targets.set(key, target);
    }
    return target;
  };

  return (r, recordId) => {
    const iso = new Date(r.time).toISOString();
    const module = MODULE_BY_PROVIDER[r.provider] ?? 'windows';
    const doc: Json = {
      '@timestamp': iso,
      agent: { type: 'winlogbeat', version: '8.11.0' },
      ecs: { version: '8.0.0' },
      host: { name: r.computer.toLowerCase(), hostname: r.computer.split('.')[0]!.toLowerCase(), os: { type: 'windows', family: 'windows', platform: 'windows' } },
      log: { level: 'information' },
    };
    const dataset = DATASET_BY_CHANNEL[r.channel] ?? 'windows.eventlog';
    const event: Json = { code: String(r.eventId), kind: 'event', provider: r.provider, module, dataset, created: iso };
    const category = r.logsource.category ? ECS_CATEGORY[r.logsource.category] : undefined;
    if (category) [event.category, event.type] = category;
    if (r.eventId === 4625) event.outcome = 'failure';
    if (r.eventId === 4624) event.outcome = 'success';
    doc.event = event;
    const eventData: Record<string, string> = {};
    doc.winlog = {
      channel: r.channel,
      event_id: String(r.eventId),
      provider_name: r.provider,
      provider_guid: r.providerGuid,
      computer_name: r.computer,
      record_id: recordId,
      api: 'wineventlog',
      event_data: eventData,
    };
    if (r.userData) setPath(doc, 'winlog.user_data', { ...r.userData.fields });
    for (const [name, value] of Object.entries(r.data) as [string, EventValue][]) {
      const target = targetOf(name, r);
      if (target.startsWith('winlog.event_data.')) {
        eventData[target.slice('winlog.event_data.'.length)] = String(value);
      } else if (target === 'user.name' && typeof value === 'string' && value.includes('\\')) {
        const [domain, user] = value.split('\\');
        setPath(doc, 'user.domain', domain);
        setPath(doc, 'user.name', user);
      } else {
        setPath(doc, target, value);
      }
    }
    const executable = (doc.process as Json | undefined)?.executable;
    if (typeof executable === 'string') setPath(doc, 'process.name', executable.slice(executable.lastIndexOf('\\') + 1));
    return doc;
  };
}
