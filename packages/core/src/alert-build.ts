import type { Alert } from './alert.ts';
import { threatFromTags } from './attack.ts';
import { compileFieldGetter, type SocleEvent } from './event.ts';
import { contentHash64Hex, fnv1a64Hex } from './hash.ts';
import { DEFAULT_LEVEL, severityFromLevel } from './severity.ts';
import type { RuleMeta } from './sigma/model.ts';

const eventIdGetter = compileFieldGetter('event.id');

/** The event's own `event.id`, or a hash of its content, so replays give the same id. */
export function eventIdOf(event: SocleEvent): string {
  const id = eventIdGetter(event);
  if (typeof id === 'string' && id) return id;
  if (typeof id === 'number') return String(id);
  return contentHash64Hex(event);
}

const timeGetters = new Map<string, ReturnType<typeof compileFieldGetter>>();

/** Event time in epoch ms from an ISO 8601 string or epoch milliseconds; undefined when absent or invalid. */
export function eventTimeOf(event: SocleEvent, field: string): number | undefined {
  let g = timeGetters.get(field);
  if (!g) timeGetters.set(field, (g = compileFieldGetter(field)));
  const v = g(event);
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

export function ruleId(rule: RuleMeta): string {
  return rule.id ?? rule.name ?? rule.title;
}

/** ATT&CK fields by a rule's tag list, worked out once per rule and shared (frozen) by its alerts. */
const threats = new WeakMap<string[], Alert['threat'] | null>();

function threatOf(tags: string[]): Alert['threat'] | undefined {
  let threat = threats.get(tags);
  if (threat === undefined) threats.set(tags, (threat = deepFreeze(threatFromTags(tags)) ?? null));
  return threat ?? undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function buildDetectionAlert(rule: RuleMeta & { level?: string }, event: SocleEvent, eventId: string, time: number, includeEvent: boolean): Alert {
  const id = ruleId(rule);
  const level = (rule.level ?? DEFAULT_LEVEL).toLowerCase();
  const alert: Alert = {
    '@timestamp': new Date(time).toISOString(),
    event: { kind: 'alert', id: fnv1a64Hex(`${id}\u0000${eventId}`), severity: severityFromLevel(rule.level), reference: eventId },
    rule: {
      id,
      name: rule.title,
      description: rule.description,
      reference: rule.references.length ? rule.references : undefined,
      version: rule.modified ?? rule.date,
      author: rule.author,
      license: rule.license,
      category: 'detection',
    },
    tags: rule.tags,
    'kibana.alert.severity': level,
    socle: { level, eventId },
  };
  const threat = threatOf(rule.tags);
  if (threat) alert.threat = threat;
  for (const k of ['host', 'user', 'source', 'destination', 'organization'] as const) {
    const v = event[k];
    if (v !== undefined) alert[k] = v;
  }
  if (includeEvent) alert['socle.event'] = event;
  return alert;
}
