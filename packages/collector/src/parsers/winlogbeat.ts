import { isPlainObject } from './ecs.ts';
import { expandDottedKeys, parseJsonObject, stampJsonEvent } from './json-document.ts';
import { anyTimestampToIso } from './timestamps.ts';
import type { ParseContext, ParseResult } from './types.ts';
import { channelOrigin, completeWindowsEvent } from './winlog-fields.ts';

/** An event id as Windows allows it: 0-65535, given as a number or a decimal string. */
export function eventIdText(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  if (text === undefined || text.length === 0 || text.length > 5) return undefined;
  for (const c of text) if (c < '0' || c > '9') return undefined;
  return Number(text) <= 65535 ? String(Number(text)) : undefined;
}

/** Winlogbeat's JSON output: already ECS; kept as is, checked, and completed where Winlogbeat modules would. */
export function parseWinlogbeat(raw: string, ctx: ParseContext): ParseResult {
  const parsed = parseJsonObject(raw, 'winlogbeat', ctx.maxNestingDepth);
  if ('error' in parsed) return { ok: false, error: parsed.error, reason: parsed.reason };
  const { document } = parsed;
  const event = expandDottedKeys(document);
  const winlog = event.winlog;
  if (!isPlainObject(winlog)) return { ok: false, error: `winlogbeat: expected a 'winlog' object (Winlogbeat output), found ${winlog === undefined ? 'none' : typeof winlog}` };
  const eventId = eventIdText(winlog.event_id);
  if (eventId === undefined) {
    return { ok: false, error: `winlogbeat: expected 'winlog.event_id' as a number 0-65535, found ${JSON.stringify(winlog.event_id) ?? 'none'}` };
  }
  const channel = winlog.channel;
  if (typeof channel !== 'string' || channel.length === 0) {
    return { ok: false, error: `winlogbeat: expected 'winlog.channel' as a non-empty string, found ${JSON.stringify(channel) ?? 'none'}` };
  }
  const problem = stampJsonEvent(event, raw, ctx, channelOrigin(channel));
  if (problem) return { ok: false, error: `winlogbeat: ${problem}` };
  event['@timestamp'] = anyTimestampToIso(event['@timestamp']) ?? ctx.receivedAt;
  completeWindowsEvent(event, channel, eventId);
  return { ok: true, event };
}
