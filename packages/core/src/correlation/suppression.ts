import type { Alert } from '../alert.ts';
import { parseIsoTime } from '../iso-time.ts';
import type { RuleMeta } from '../sigma/model.ts';
import { SuppressionConfigError } from './errors.ts';
import { MinHeap } from './heap.ts';
import { parseTimespan } from './timespan.ts';
import { DEFAULT_ORGANIZATION } from '../organization.ts';

/**
 * Alert suppression for any rule: alerts of a rule with the same values of `groupBy` within `durationMs` of
 * the first one are folded into it.
 */
export interface SuppressionConfig {
  groupBy: string[];
  durationMs: number;
  /** Alerts missing a group-by value: fold them together (`suppress`) or let each one through. */
  missingFields: 'suppress' | 'doNotSuppress';
}

/**
 * Reads a rule's `socle: { suppression: {group-by, duration, missing-fields} }` section; undefined when the
 * rule has none. `duration` uses the Sigma timespan syntax (`30s`, `5m`, `1h`, ...).
 */
export function parseSuppressionConfig(rule: Pick<RuleMeta, 'id' | 'title' | 'custom' | 'location'>): SuppressionConfig | undefined {
  const socle = rule.custom?.socle;
  if (socle === undefined || socle === null || typeof socle !== 'object') return undefined;
  const raw = (socle as Record<string, unknown>).suppression;
  if (raw === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new SuppressionConfigError(rule, problem);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(' must be a mapping with group-by, duration and missing-fields');
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!['group-by', 'duration', 'missing-fields'].includes(key)) fail(`.${key} is not a suppression setting (group-by, duration, missing-fields)`);
  }
  const rawGroupBy = typeof s['group-by'] === 'string' ? [s['group-by']] : s['group-by'];
  if (!Array.isArray(rawGroupBy) || rawGroupBy.length === 0 || rawGroupBy.some((f) => typeof f !== 'string' || f === '')) {
    fail('.group-by must be a field name or a non-empty list of field names');
  }
  const span = parseTimespan(s.duration);
  if ('error' in span) fail(`.duration: ${span.error.replace(/^timespan/, 'duration')}`);
  const missing = s['missing-fields'] ?? 'suppress';
  if (missing !== 'suppress' && missing !== 'doNotSuppress') fail(`.missing-fields must be 'suppress' or 'doNotSuppress', got ${JSON.stringify(missing)}`);
  return {
    groupBy: rawGroupBy as string[],
    durationMs: (span as { ms: number }).ms,
    missingFields: missing as SuppressionConfig['missingFields'],
  };
}

interface SuppressionWindow {
  /** The alert that was let through. */
  alert: Alert;
  key: Record<string, unknown>;
  suppressed: number;
  first: number;
  last: number;
  end: number;
}

interface WindowEnd {
  end: number;
  id: string;
  q: number;
}

export interface SuppressionStats {
  openWindows: number;
  suppressed: number;
  updates: number;
}

const SNAPSHOT_FORMAT = 'socle.suppression/2';
/** Before organisations: window ids without the owner, kept alerts without `organization`. */
const SNAPSHOT_FORMAT_V1 = 'socle.suppression/1';

/**
 * Keys are per owner (`organization.id`, alerts without one belong to `defaultOrganization`): an alert never
 * folds into another organisation's, nor a SOC-wide alert into an organisation's.
 *
 * Policy: the first alert of a key is emitted at once, carrying `socle.suppression` with `suppressed: 0`.
 * Alerts with the same rule and key until `first + duration` are folded (not emitted). When the window
 * closes — the alert clock (newest alert time, or advance()) reaches its end — and something was folded, an
 * update of the kept alert is emitted: same `event.id`, final `suppressed` count and `last` time. A sink that
 * upserts by `event.id` ends with one document per window. Time is alert time (`@timestamp`), never the wall
 * clock, so a replay suppresses the same way.
 */
export class AlertSuppressor {
  private readonly configs: Map<string, SuppressionConfig>;
  private windows = new Map<string, SuppressionWindow>();
  private ends = new MinHeap<WindowEnd>([], (a, b) => (a.end !== b.end ? a.end < b.end : a.q < b.q));
  private clock = -Infinity;
  private seq = 0;
  private counters = { suppressed: 0, updates: 0 };

  private readonly defaultOrganization: string;

  constructor(configs: Map<string, SuppressionConfig> | Record<string, SuppressionConfig>, options: { defaultOrganization?: string } = {}) {
    this.configs = configs instanceof Map ? configs : new Map(Object.entries(configs));
    this.defaultOrganization = options.defaultOrganization ?? DEFAULT_ORGANIZATION;
  }

  /**
   * One alert in; out: the alerts to emit now (this one if kept, plus updates of windows that closed by its
   * time). `field` reads a group-by field; by default correlation group values, then the alert's event. `time`:
   * the alert's `@timestamp` in epoch milliseconds, when the caller has it.
   */
  offer(alert: Alert, field?: (name: string) => unknown, time = parseIsoTime(alert['@timestamp'])): Alert[] {
    if (!Number.isFinite(time)) throw new Error(`suppression: alert ${alert.event.id} of rule ${alert.rule.id} has no valid @timestamp`);
    const out = this.advance(time);
    const config = this.configs.get(alert.rule.id);
    if (!config) {
      out.push(alert);
      return out;
    }
    const read = field ?? defaultField(alert);
    const values = config.groupBy.map((f) => {
      const v = read(f);
      return v === undefined ? null : v;
    });
    if (values.some((v) => v === null) && config.missingFields === 'doNotSuppress') {
      out.push(alert);
      return out;
    }
    const id = JSON.stringify([alert.rule.id, alert.organization?.id ?? this.defaultOrganization, values]);
    const open = this.windows.get(id);
    if (open) {
      open.suppressed++;
      open.first = Math.min(open.first, time);
      open.last = Math.max(open.last, time);
      this.counters.suppressed++;
      return out;
    }
    const key: Record<string, unknown> = {};
    config.groupBy.forEach((f, i) => (key[f] = values[i]));
    const window: SuppressionWindow = { alert, key, suppressed: 0, first: time, last: time, end: time + config.durationMs };
    this.windows.set(id, window);
    this.ends.push({ end: window.end, id, q: this.seq++ });
    out.push(withSuppression(window));
    return out;
  }

  /** Moves the alert clock; closes the windows that end by then. */
  advance(timeMs: number): Alert[] {
    if (timeMs > this.clock) this.clock = timeMs;
    const out: Alert[] = [];
    for (let next = this.ends.peek(); next !== undefined && next.end <= this.clock; next = this.ends.peek()) {
      this.ends.pop();
      const window = this.windows.get(next.id);
      if (!window || window.end !== next.end) continue;
      this.windows.delete(next.id);
      if (window.suppressed > 0) {
        this.counters.updates++;
        out.push(withSuppression(window));
      }
    }
    return out;
  }

  /** End of stream: closes every window. */
  flush(): Alert[] {
    return this.advance(Infinity);
  }

  stats(): SuppressionStats {
    return { openWindows: this.windows.size, ...this.counters };
  }

  snapshot(): unknown {
    return JSON.parse(
      JSON.stringify({
        format: SNAPSHOT_FORMAT,
        clock: Number.isFinite(this.clock) ? this.clock : this.clock > 0 ? 'end' : null,
        seq: this.seq,
        counters: this.counters,
        windows: [...this.windows],
        ends: this.ends.items,
      }),
    );
  }

  /**
   * Continues from a snapshot. With `keepRules` (a reload), only the open windows of the rules it accepts are
   * restored; the alert clock and counters carry over.
   */
  restore(snapshot: unknown, options: { keepRules?: (ruleId: string) => boolean } = {}): void {
    const s = JSON.parse(JSON.stringify(snapshot)) as {
      format: string;
      clock: number | string | null;
      seq: number;
      counters: AlertSuppressor['counters'];
      windows: Array<[string, SuppressionWindow]>;
      ends: WindowEnd[];
    };
    if (s?.format !== SNAPSHOT_FORMAT && s?.format !== SNAPSHOT_FORMAT_V1) {
      throw new Error(`suppression restore: not a ${SNAPSHOT_FORMAT} (or ${SNAPSHOT_FORMAT_V1}) snapshot`);
    }
    if (s.format === SNAPSHOT_FORMAT_V1) ownedByDefault(s, this.defaultOrganization);
    this.clock = s.clock === 'end' ? Infinity : typeof s.clock === 'number' ? s.clock : -Infinity;
    this.seq = s.seq;
    this.counters = s.counters;
    const keep = options.keepRules;
    this.windows = new Map(keep ? s.windows.filter(([, w]) => keep(w.alert.rule.id)) : s.windows);
    this.ends = new MinHeap<WindowEnd>([], (a, b) => (a.end !== b.end ? a.end < b.end : a.q < b.q));
    for (const end of s.ends) if (this.windows.has(end.id)) this.ends.push(end);
  }
}

/** A snapshot written before organisations: every open window is the default organisation's. */
function ownedByDefault(s: { windows: Array<[string, SuppressionWindow]>; ends: WindowEnd[] }, org: string): void {
  const owned = (id: string): string => {
    const [rule, values] = JSON.parse(id) as [string, unknown[]];
    return JSON.stringify([rule, org, values]);
  };
  for (const entry of s.windows) {
    entry[0] = owned(entry[0]);
    const alert = entry[1].alert;
    alert.organization ??= { id: org };
    alert.socle.organizations ??= [org];
  }
  for (const end of s.ends) end.id = owned(end.id);
}

function withSuppression(w: SuppressionWindow): Alert {
  return {
    ...w.alert,
    socle: {
      ...w.alert.socle,
      suppression: {
        suppressed: w.suppressed,
        first: new Date(w.first).toISOString(),
        last: new Date(w.last).toISOString(),
        key: w.key,
      },
    },
  };
}

function readPath(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (path in rec) return rec[path];
  const dot = path.indexOf('.');
  for (let i = dot; i !== -1; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    if (head in rec) {
      const found = readPath(rec[head], path.slice(i + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Correlation group values first, then the included event, then the alert document itself. */
function defaultField(alert: Alert): (name: string) => unknown {
  return (name) =>
    alert.socle.correlation?.group[name] ?? readPath(alert['socle.event'], name) ?? readPath(alert, name);
}
