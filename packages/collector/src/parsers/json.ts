import { setField } from './ecs.ts';
import { expandDottedKeys, parseJsonObject, stampJsonEvent } from './json-document.ts';
import { anyTimestampToIso } from './timestamps.ts';
import type { ParseContext, ParseResult } from './types.ts';

/** Where applications commonly put the event time when they do not write `@timestamp`. */
const TIME_FIELDS = ['timestamp', 'time', 'ts', '@t', 'date', 'datetime', 'eventTime', 'EventTime', 'event.created'];

/** A JSON object per record; it is kept as sent (dotted keys expanded) with the Socle stamps added. */
export function parseJson(raw: string, ctx: ParseContext): ParseResult {
  const parsed = parseJsonObject(raw, 'json', ctx.maxNestingDepth);
  if ('error' in parsed) return { ok: false, error: parsed.error, reason: parsed.reason };
  const { document } = parsed;
  const event = expandDottedKeys(document);
  const problem = stampJsonEvent(event, raw, ctx, { module: 'json', dataset: 'json.log' });
  if (problem) return { ok: false, error: `json: ${problem}` };
  const given = event['@timestamp'];
  if (given !== undefined) {
    const iso = anyTimestampToIso(given);
    if (iso) event['@timestamp'] = iso;
    else if (typeof given === 'number') return { ok: false, error: `json: '@timestamp' ${given} is no time in 1970..9999 (epoch seconds or milliseconds)`, reason: 'time-out-of-range' };
    else if (typeof given !== 'string') return { ok: false, error: `json: '@timestamp' must be an ISO 8601 string or epoch number, found ${typeof given === 'object' ? 'an object' : typeof given}`, reason: 'time-unreadable' };
  } else {
    let found: string | undefined;
    for (const field of TIME_FIELDS) {
      const value = field.includes('.') ? (event.event as Record<string, unknown>).created : event[field];
      found = anyTimestampToIso(value);
      if (found) break;
    }
    setField(event, '@timestamp', found ?? ctx.receivedAt);
  }
  return { ok: true, event };
}
