import { getField, setField, type EcsEvent } from './ecs.ts';
import { fillFromEventData } from './windows-event-data.ts';
import { fillProcessCreation } from './windows-process.ts';

/** Channel to the `event.module` Winlogbeat's modules use and the dataset Elastic Agent's integrations use. */
const CHANNEL_ORIGINS: Record<string, { module: string; dataset: string }> = {
  Security: { module: 'security', dataset: 'system.security' },
  System: { module: 'system', dataset: 'system.system' },
  Application: { module: 'system', dataset: 'system.application' },
  'Microsoft-Windows-Sysmon/Operational': { module: 'sysmon', dataset: 'windows.sysmon_operational' },
  'Windows PowerShell': { module: 'powershell', dataset: 'windows.powershell' },
  'Microsoft-Windows-PowerShell/Operational': { module: 'powershell', dataset: 'windows.powershell_operational' },
  ForwardedEvents: { module: 'windows', dataset: 'windows.forwarded' },
};

export function channelOrigin(channel: string): { module: string; dataset: string } {
  return Object.prototype.hasOwnProperty.call(CHANNEL_ORIGINS, channel)
    ? CHANNEL_ORIGINS[channel]
    : { module: 'windows', dataset: 'windows.eventlog' };
}

/** Event data values as Winlogbeat writes them: strings, empty ones dropped. */
export function eventDataStrings(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return out;
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined || value === '') continue;
    Object.defineProperty(out, name, {
      value: typeof value === 'object' ? JSON.stringify(value) : String(value),
      writable: true, enumerable: true, configurable: true,
    });
  }
  return out;
}

/**
 * The invariants every Windows event leaves with: `winlog.event_id` and `event.code` as strings (as
 * Winlogbeat 8 writes them), `host.name` from the computer name, module/dataset from the channel, the ECS
 * process fields for process creation, and the ECS fields Winlogbeat's modules derive from event data.
 */
export function completeWindowsEvent(event: EcsEvent, channel: string, eventId: string): void {
  setField(event, 'winlog.event_id', eventId);
  setField(event, 'event.code', eventId);
  const origin = channelOrigin(channel);
  if (getField(event, 'event.module') === undefined) setField(event, 'event.module', origin.module);
  if (getField(event, 'event.dataset') === undefined) setField(event, 'event.dataset', origin.dataset);
  if (getField(event, 'event.kind') === undefined) setField(event, 'event.kind', 'event');
  const computer = getField(event, 'winlog.computer_name');
  if (getField(event, 'host.name') === undefined && typeof computer === 'string') setField(event, 'host.name', computer);
  const provider = getField(event, 'winlog.provider_name');
  if (getField(event, 'event.provider') === undefined && typeof provider === 'string') setField(event, 'event.provider', provider);
  const data = eventDataStrings(getField(event, 'winlog.event_data'));
  fillProcessCreation(event, channel, eventId, data);
  fillFromEventData(event, channel, eventId, data);
}
