import type { Alert, AlertOrganization } from './alert.ts';
import { threatFromTags } from './attack.ts';
import { compileFieldGetter, type SocleEvent } from './event.ts';
import { contentHash64Hex, fnv1a64HexAfter, fnv1a64State, type Fnv1a64State } from './hash.ts';
import { readEventTime } from './invalid-event.ts';
import { formatIsoTime } from './iso-time.ts';
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

/** The raw value of an event's time field. */
export function eventTimeValue(event: SocleEvent, field: string): unknown {
  let g = timeGetters.get(field);
  if (!g) timeGetters.set(field, (g = compileFieldGetter(field)));
  return g(event);
}

/**
 * Event time in epoch ms from an ISO 8601 string or epoch milliseconds; undefined when absent, unreadable or out
 * of range (`readEventTime`), so that what it gives can always be written as an alert's `@timestamp`.
 */
export function eventTimeOf(event: SocleEvent, field: string): number | undefined {
  const t = readEventTime(eventTimeValue(event, field));
  return typeof t === 'number' ? t : undefined;
}

export function ruleId(rule: RuleMeta): string {
  return rule.id ?? rule.name ?? rule.title;
}

/** What every alert of a rule shares, worked out at its first alert. */
interface RuleAlertParts {
  id: string;
  level: string;
  severity: number;
  /** The alert id hash's state after `<rule id>\0`: every alert id of the rule hashes that first. */
  idPrefix: Fnv1a64State;
  /** ATT&CK fields from the tags, frozen: shared by the rule's alerts. */
  threat: Alert['threat'] | undefined;
}

const partsByRule = new WeakMap<RuleMeta, RuleAlertParts>();

function partsOf(rule: RuleMeta & { level?: string }): RuleAlertParts {
  let parts = partsByRule.get(rule);
  if (parts === undefined) {
    const id = ruleId(rule);
    parts = {
      id,
      level: (rule.level ?? DEFAULT_LEVEL).toLowerCase(),
      severity: severityFromLevel(rule.level),
      idPrefix: fnv1a64State(`${id}\u0000`),
      threat: deepFreeze(threatFromTags(rule.tags)),
    };
    partsByRule.set(rule, parts);
  }
  return parts;
}

/** The event's `organization` object when its id is the owner (shared, as the other ECS objects), else a copy with it. */
function ownerOf(eventOrganization: unknown, organization: string): AlertOrganization {
  if (eventOrganization === null || typeof eventOrganization !== 'object' || Array.isArray(eventOrganization)) return { id: organization };
  const o = eventOrganization as AlertOrganization;
  return o.id === organization ? o : { ...o, id: organization };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * `organization`: the event's organisation (its `organization.id`, else the engine's default one), which owns the
 * alert. Its id hashes the organisation in too, but for the default one (ids from before organisations stay):
 * two organisations' events with the same `event.id` must not give one alert id.
 */
export function buildDetectionAlert(
  rule: RuleMeta & { level?: string },
  event: SocleEvent,
  eventId: string,
  time: number,
  includeEvent: boolean,
  organization: string,
  isDefaultOrganization: boolean,
): Alert {
  const { id, level, severity, idPrefix, threat } = partsOf(rule);
  const alertId = fnv1a64HexAfter(idPrefix, isDefaultOrganization ? eventId : `${organization}\u0000${eventId}`);
  const alert: Alert = {
    '@timestamp': formatIsoTime(time),
    event: { kind: 'alert', id: alertId, severity, reference: eventId },
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
    socle: { level, eventId, organizations: [organization] },
  };
  if (threat) alert.threat = threat;
  for (const k of ['host', 'user', 'source', 'destination'] as const) {
    const v = event[k];
    if (v !== undefined) alert[k] = v;
  }
  alert.organization = ownerOf(event.organization, organization);
  if (includeEvent) alert['socle.event'] = event;
  return alert;
}
