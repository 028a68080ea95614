import { getField, isPlainObject, newEvent, setField, type EcsEvent } from './ecs.ts';
import { parseJsonObject } from './json-document.ts';
import { rfc3339ToIso } from './timestamps.ts';
import type { ParseContext, ParseResult } from './types.ts';
import { eventIdText } from './winlogbeat.ts';
import { channelOrigin, completeWindowsEvent, eventDataStrings } from './winlog-fields.ts';

/** Windows event levels as Winlogbeat names them in `log.level`. */
const LEVELS: Record<string, string> = { '0': 'information', '1': 'critical', '2': 'error', '3': 'warning', '4': 'information', '5': 'verbose' };

/** evtx_dump renders `<X Attr="v">text</X>` as `{"#attributes": {"Attr": "v"}, "#text": "text"}`. */
function attribute(node: unknown, name: string): unknown {
  return getField(node, `#attributes.${name}`);
}

function text(node: unknown): unknown {
  return isPlainObject(node) ? node['#text'] : node;
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * `<EventData>`: named `<Data Name="X">` elements become `X`; unnamed ones (`{"Data": {"#text": [...]}}`)
 * become `param1`, `param2`... as Winlogbeat names them.
 */
function eventData(node: unknown): Record<string, string> {
  if (!isPlainObject(node)) return {};
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '#attributes') continue;
    if (key === 'Data' && (isPlainObject(value) || Array.isArray(value) || typeof value === 'string')) {
      const items = text(value);
      const list = Array.isArray(items) ? items : [items];
      list.forEach((item, index) => { named[`param${index + 1}`] = text(item); });
    } else {
      Object.defineProperty(named, key, { value, writable: true, enumerable: true, configurable: true });
    }
  }
  return eventDataStrings(named);
}

/** One record of `evtx_dump -o jsonl` (omerbenamram/evtx), normalised to Winlogbeat's shape. */
export function parseEvtx(raw: string, ctx: ParseContext): ParseResult {
  const parsed = parseJsonObject(raw, 'evtx', ctx.maxNestingDepth);
  if ('error' in parsed) return { ok: false, error: parsed.error, reason: parsed.reason };
  const { document } = parsed;
  const root = document.Event;
  if (!isPlainObject(root)) {
    return { ok: false, error: `evtx: expected a top-level 'Event' object (evtx_dump JSON), found keys ${JSON.stringify(Object.keys(document).slice(0, 5))}` };
  }
  const system = root.System;
  if (!isPlainObject(system)) return { ok: false, error: `evtx: expected 'Event.System' to be an object` };
  const eventId = eventIdText(text(system.EventID));
  if (eventId === undefined) {
    return { ok: false, error: `evtx: expected 'Event.System.EventID' as a number 0-65535, found ${JSON.stringify(system.EventID) ?? 'none'}` };
  }
  const channel = scalar(system.Channel);
  if (!channel) return { ok: false, error: `evtx: expected 'Event.System.Channel' as a string, found ${JSON.stringify(system.Channel) ?? 'none'}` };
  const created = scalar(attribute(system.TimeCreated, 'SystemTime'));
  const timestamp = created === undefined ? undefined : rfc3339ToIso(created);
  if (created !== undefined && !timestamp) {
    return { ok: false, error: `evtx: expected 'Event.System.TimeCreated.#attributes.SystemTime' as RFC 3339, found '${created.slice(0, 40)}'` };
  }

  const event: EcsEvent = newEvent(raw, ctx, { ...channelOrigin(channel), timestamp });
  setField(event, 'winlog.channel', channel);
  setField(event, 'winlog.provider_name', scalar(attribute(system.Provider, 'Name')));
  setField(event, 'winlog.provider_guid', scalar(attribute(system.Provider, 'Guid')));
  setField(event, 'winlog.event_source', scalar(attribute(system.Provider, 'EventSourceName')));
  setField(event, 'winlog.computer_name', scalar(system.Computer));
  setField(event, 'winlog.record_id', scalar(system.EventRecordID));
  setField(event, 'winlog.version', typeof system.Version === 'number' ? system.Version : undefined);
  setField(event, 'winlog.task', scalar(system.Task));
  setField(event, 'winlog.opcode', scalar(system.Opcode));
  setField(event, 'winlog.keywords', scalar(system.Keywords) ? [scalar(system.Keywords)] : undefined);
  setField(event, 'winlog.process.pid', attribute(system.Execution, 'ProcessID'));
  setField(event, 'winlog.process.thread.id', attribute(system.Execution, 'ThreadID'));
  setField(event, 'winlog.user.identifier', scalar(attribute(system.Security, 'UserID')));
  setField(event, 'winlog.activity_id', scalar(attribute(system.Correlation, 'ActivityID')));
  const level = scalar(system.Level);
  if (level !== undefined && Object.prototype.hasOwnProperty.call(LEVELS, level)) setField(event, 'log.level', LEVELS[level]);
  const data = eventData(root.EventData);
  if (Object.keys(data).length > 0) setField(event, 'winlog.event_data', data);
  if (isPlainObject(root.UserData)) setField(event, 'winlog.user_data', root.UserData);
  completeWindowsEvent(event, channel, eventId);
  return { ok: true, event };
}
