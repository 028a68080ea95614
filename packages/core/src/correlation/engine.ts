import type { Alert } from '../alert.ts';
import type { CompiledCorrelation } from './compile.ts';
import { CorrelationRuleError } from './errors.ts';
import { MinHeap } from './heap.ts';
import { GroupTable } from './group-table.ts';
import { numericValue } from './aggregate.ts';
import { thresholdHolds } from './threshold.ts';
import { buildCorrelationAlert, type CorrelationFinding } from './correlation-alert.ts';
import { contributingOrganizations, tenancyOf, type Contributors, type Tenancy, type TenancyOptions } from '../organization.ts';
import { fromSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_V1, SNAPSHOT_FORMAT_V2, toSnapshot } from './snapshot-format.ts';
import { appendEvent, dropBefore, newWindowGroup, windowValue, type WindowGroup } from './window-group.ts';
import {
  clearSteps,
  findCompletion,
  newSequenceGroup,
  recordStep,
  sequencePlan,
  type SequenceGroup,
  type SequencePlan,
} from './sequence-group.ts';

/** One detection match (or, internally, one correlation alert feeding a chained correlation). */
export interface CorrelationMatch {
  ruleId: string;
  ruleName?: string;
  event: Record<string, unknown>;
  eventId: string;
  /** Event time, epoch milliseconds. */
  time: number;
  /** The event's organisation (`organization.id`); the engine's `defaultOrganization` when absent. */
  organization?: string;
  getField: (event: Record<string, unknown>, name: string) => unknown;
}

/** A match that arrived after the watermark had passed its time: counted and reported, never correlated. */
export interface LateMatch {
  ruleId: string;
  eventId: string;
  time: number;
  watermark: number;
}

export interface CorrelationEngineOptions extends TenancyOptions {
  /** How far behind the newest event time a match may be and still be correlated in order. Default 0. */
  allowedLatenessMs?: number;
  /** Group keys kept per correlation rule; beyond it the least recently seen key is evicted. Default 100 000. */
  maxKeysPerRule?: number;
  /** Drop a group's state once it has seen nothing for this long (event time), even inside its timespan. */
  idleTimeoutMs?: number;
  /** Member event ids listed in an alert (the total is always given). Default 100. */
  maxMemberEvents?: number;
  /** Event time for matches whose `time` is not a finite number. */
  eventTime?: (event: Record<string, unknown>) => number | undefined;
  /** Told about every late match (they are also counted in stats). */
  onLateMatch?: (late: LateMatch) => void;
}

export interface CorrelationRuleStats {
  keys: number;
  evicted: number;
  expired: number;
  lateDropped: number;
  alerts: number;
  windowsClosed: number;
  absenceCancelled: number;
  /** Matches left out because a group-by field was missing from the event. */
  missingGroupBy: number;
}

export interface CorrelationStats {
  /** null before any event. */
  watermark: number | null;
  bufferedMatches: number;
  pendingTimers: number;
  rules: Record<string, CorrelationRuleStats>;
}

export type GroupState = WindowGroup | SequenceGroup;
/** `key`: JSON text of the owner (organisation, or SOC for SOC-wide rules) and the group-by values. */
export type Extracted = [corrIndex: number, key: string, value: string | number | null];

/** A match waiting in the reorder buffer until the watermark passes its time. */
export interface BufferedMatch {
  t: number;
  e: string;
  r: string;
  q: number;
  /** The event's organisation (absent in snapshots written before organisations: the default one). */
  o: string;
  x: Extracted[];
}

/** A window end: a closing window to judge, or an absence to confirm. */
export interface WindowTimer {
  d: number;
  c: number;
  k: string;
  q: number;
}

interface RuleRuntime {
  corr: CompiledCorrelation;
  plan: SequencePlan | undefined;
  groups: GroupTable<GroupState>;
  counters: Omit<CorrelationRuleStats, 'keys'>;
  /** Its alerts go to the caller (not referenced by another correlation, or referenced with generate: true). */
  visible: boolean;
  /** Correlations that take this one's alerts as input. */
  consumers: number[];
  /** SOC-wide (`socle.scope: soc`): grouped per SOC, and each member remembers its organisation(s). */
  tracked: boolean;
}

/** The whole running state, as `snapshot()` saves it (see snapshot-format.ts for the saved field names). */
export interface EngineState {
  watermark: number | string | null;
  maxSeen: number | string | null;
  seq: number;
  buffer: BufferedMatch[];
  timers: WindowTimer[];
  rules: Array<{ id: string; counters: RuleRuntime['counters']; groups: Array<[string, GroupState]> }>;
}

const byTimeThenIds = (a: BufferedMatch, b: BufferedMatch): boolean =>
  a.t !== b.t ? a.t < b.t : a.e !== b.e ? a.e < b.e : a.r !== b.r ? a.r < b.r : a.q < b.q;

const zeroCounters = (): RuleRuntime['counters'] => ({
  evicted: 0,
  expired: 0,
  lateDropped: 0,
  alerts: 0,
  windowsClosed: 0,
  absenceCancelled: 0,
  missingGroupBy: 0,
});

/**
 * Runs compiled correlation rules over a stream of detection matches, on event time.
 *
 * Matches wait in a reorder buffer until the watermark (newest event time - allowed lateness, or what
 * advanceWatermark says) passes them, then are processed in (time, event id, rule id) order, so any arrival
 * order within the lateness yields the same alerts. Window ends (closing windows, absences) fire when the
 * watermark passes them, never earlier.
 */
export class CorrelationEngine {
  private readonly lateness: number;
  private readonly maxKeys: number;
  private readonly idleTimeout: number | undefined;
  private readonly maxMembers: number;
  private readonly rules: RuleRuntime[];
  private readonly tenancy: Tenancy;
  private readonly consumersOf = new Map<string, number[]>();
  private watermark = -Infinity;
  private maxSeen = -Infinity;
  private seq = 0;
  private buffer = new MinHeap<BufferedMatch>([], byTimeThenIds);
  /** Equal deadlines: upstream correlations first, so their alerts still reach windows ending then. */
  private readonly byDeadline: (a: WindowTimer, b: WindowTimer) => boolean;
  private timers: MinHeap<WindowTimer>;

  constructor(
    correlations: readonly CompiledCorrelation[],
    private readonly options: CorrelationEngineOptions = {},
  ) {
    this.lateness = nonNegative(options.allowedLatenessMs ?? 0, 'allowedLatenessMs');
    this.maxKeys = Math.max(1, nonNegative(options.maxKeysPerRule ?? 100_000, 'maxKeysPerRule'));
    this.idleTimeout = options.idleTimeoutMs === undefined ? undefined : nonNegative(options.idleTimeoutMs, 'idleTimeoutMs');
    this.maxMembers = nonNegative(options.maxMemberEvents ?? 100, 'maxMemberEvents');
    this.tenancy = tenancyOf(options);

    const indexById = new Map<string, number>();
    correlations.forEach((corr, i) => {
      if (indexById.has(corr.id)) throw new CorrelationRuleError(corr.rule, `another correlation rule has the same id '${corr.id}'`);
      indexById.set(corr.id, i);
    });
    assertNoCycle(correlations, indexById);
    const depth = chainDepths(correlations, indexById);
    this.byDeadline = (a, b) => (a.d !== b.d ? a.d < b.d : depth[a.c] !== depth[b.c] ? depth[a.c]! < depth[b.c]! : a.q < b.q);
    this.timers = new MinHeap<WindowTimer>([], this.byDeadline);

    const generating = new Set<string>();
    const referenced = new Set<string>();
    correlations.forEach((corr, i) => {
      for (const id of new Set(corr.ruleIds)) {
        referenced.add(id);
        if (corr.generate) generating.add(id);
        const list = this.consumersOf.get(id) ?? [];
        list.push(i);
        this.consumersOf.set(id, list);
      }
    });
    this.rules = correlations.map((corr) => ({
      corr,
      plan: corr.type === 'temporal' || corr.type === 'temporal_ordered' ? sequencePlan(corr) : undefined,
      groups: new GroupTable(),
      counters: zeroCounters(),
      visible: !referenced.has(corr.id) || generating.has(corr.id),
      consumers: this.consumersOf.get(corr.id) ?? [],
      tracked: corr.scope === 'soc',
    }));
    // A SOC-wide alert belongs to the SOC: only a SOC-wide correlation may take it as input.
    for (const rt of this.rules) {
      if (!rt.tracked) continue;
      for (const ci of rt.consumers) {
        const consumer = this.rules[ci]!.corr;
        if (consumer.scope !== 'soc') {
          throw new CorrelationRuleError(consumer.rule, `refers to the SOC-wide correlation '${rt.corr.id}', so it must be SOC-wide too (socle.scope: soc)`);
        }
      }
    }
  }

  /** Every rule id some correlation refers to (detection and correlation rules). */
  referencedRuleIds(): Set<string> {
    return new Set(this.consumersOf.keys());
  }

  /** Referenced rule ids that still emit their own alerts, because a correlation says `generate: true`. */
  generatedRuleIds(): Set<string> {
    const out = new Set<string>();
    for (const r of this.rules) if (r.corr.generate) for (const id of r.corr.ruleIds) out.add(id);
    return out;
  }

  /** Referenced rule ids whose own alerts the caller should not emit (Sigma v2 default). */
  silencedRuleIds(): Set<string> {
    const generated = this.generatedRuleIds();
    return new Set([...this.referencedRuleIds()].filter((id) => !generated.has(id)));
  }

  onMatch(m: CorrelationMatch): Alert[] {
    const time = Number.isFinite(m.time) ? m.time : this.options.eventTime?.(m.event);
    if (time === undefined || !Number.isFinite(time)) {
      throw new Error(`correlation: match of rule '${m.ruleId}' (event '${m.eventId}') has no event time; pass time as epoch milliseconds`);
    }
    const consumers = this.consumersOf.get(m.ruleId);
    if (time < this.watermark) {
      for (const ci of consumers ?? []) this.rules[ci]!.counters.lateDropped++;
      if (consumers) this.options.onLateMatch?.({ ruleId: m.ruleId, eventId: m.eventId, time, watermark: this.watermark });
      return [];
    }
    if (time > this.maxSeen) this.maxSeen = time;
    this.watermark = Math.max(this.watermark, this.maxSeen - this.lateness);
    if (consumers) {
      const org = typeof m.organization === 'string' && m.organization !== '' ? m.organization : this.tenancy.defaultOrganization;
      const x: Extracted[] = [];
      for (const ci of consumers) {
        const extracted = this.extract(ci, m.ruleId, m.event, m.getField, org);
        if (extracted) x.push(extracted);
        else this.rules[ci]!.counters.missingGroupBy++;
      }
      if (x.length > 0) this.buffer.push({ t: time, e: m.eventId, r: m.ruleId, q: this.seq++, o: org, x });
    }
    return this.drain();
  }

  /** Moves event time forward (e.g. wall clock on an idle stream): releases buffered matches, closes windows. */
  advanceWatermark(timeMs: number): Alert[] {
    if (timeMs > this.watermark) this.watermark = timeMs;
    return this.drain();
  }

  /** End of stream: every buffered match is processed and every window closes, absences included. */
  flush(): Alert[] {
    this.watermark = Infinity;
    return this.drain();
  }

  stats(): CorrelationStats {
    const rules: Record<string, CorrelationRuleStats> = {};
    for (const r of this.rules) rules[r.corr.id] = { keys: r.groups.size, ...r.counters };
    return {
      watermark: Number.isFinite(this.watermark) ? this.watermark : null,
      bufferedMatches: this.buffer.size,
      pendingTimers: this.timers.size,
      rules,
    };
  }

  snapshot(): unknown {
    const state: EngineState = {
      watermark: encodeTime(this.watermark),
      maxSeen: encodeTime(this.maxSeen),
      seq: this.seq,
      buffer: this.buffer.items,
      timers: this.timers.items,
      rules: this.rules.map((r) => ({ id: r.corr.id, counters: r.counters, groups: [...r.groups.entries()] })),
    };
    // the copy: the caller must not hold the live arrays
    return JSON.parse(JSON.stringify(toSnapshot(state)));
  }

  /**
   * Continues from a snapshot. By default the snapshot must be of the same rules, in the same order. With
   * `keepRules`, it may come from another rule set: the state of the rules `keepRules` accepts that this engine
   * also runs is restored (groups, counters, buffered matches, window ends), every other rule starts empty; the
   * watermark carries over either way.
   */
  restore(snapshot: unknown, options: { keepRules?: (ruleId: string) => boolean } = {}): void {
    const s = snapshot as { format?: unknown; rules?: Array<{ id: string }> } | undefined;
    if (!s || (s.format !== SNAPSHOT_FORMAT && s.format !== SNAPSHOT_FORMAT_V2 && s.format !== SNAPSHOT_FORMAT_V1)) {
      throw new Error(`correlation restore: not a ${SNAPSHOT_FORMAT} (or ${SNAPSHOT_FORMAT_V2}, ${SNAPSHOT_FORMAT_V1}) snapshot`);
    }
    const keep = options.keepRules;
    const ids = this.rules.map((r) => r.corr.id);
    const snapIds = (s.rules ?? []).map((r) => r.id);
    if (!keep && ids.join('\n') !== snapIds.join('\n')) {
      throw new Error(`correlation restore: the snapshot is for rules [${snapIds.join(', ')}], this engine runs [${ids.join(', ')}]`);
    }
    const saved = JSON.parse(JSON.stringify(s)) as unknown;
    // `/2` and `/1` are the running state as is
    const copy = s.format === SNAPSHOT_FORMAT ? fromSnapshot(saved as Parameters<typeof fromSnapshot>[0]) : (saved as EngineState);
    if (s.format === SNAPSHOT_FORMAT_V1) ownedByDefault(copy, this.tenancy.defaultOrganization);
    // index in the snapshot -> index here, or -1 when that rule's state is dropped
    const here = new Map(ids.map((id, i) => [id, i]));
    const target = copy.rules.map((saved, i) => (keep ? (keep(saved.id) ? here.get(saved.id) ?? -1 : -1) : i));
    this.watermark = decodeTime(copy.watermark, -Infinity);
    this.maxSeen = decodeTime(copy.maxSeen, -Infinity);
    this.seq = copy.seq;
    this.buffer = new MinHeap([], byTimeThenIds);
    for (const m of copy.buffer) {
      const x = m.x.filter(([ci]) => target[ci]! >= 0).map(([ci, key, value]): Extracted => [target[ci]!, key, value]);
      if (x.length) this.buffer.push({ ...m, x });
    }
    this.timers = new MinHeap([], this.byDeadline);
    for (const t of copy.timers) if (target[t.c]! >= 0) this.timers.push({ ...t, c: target[t.c]! });
    for (const r of this.rules) {
      r.counters = zeroCounters();
      r.groups = new GroupTable();
    }
    copy.rules.forEach((saved, i) => {
      if (target[i]! < 0) return;
      const r = this.rules[target[i]!]!;
      r.counters = { ...zeroCounters(), ...saved.counters };
      for (const [key, g] of saved.groups) r.groups.add(key, r.tracked ? withContributors(g, key, r.plan) : g);
    });
  }

  /** Group key and value of one match for one correlation; undefined when a group-by value is missing. */
  private extract(
    ci: number,
    ruleId: string,
    event: Record<string, unknown>,
    getField: CorrelationMatch['getField'],
    org: string,
  ): Extracted | undefined {
    const rt = this.rules[ci]!;
    const corr = rt.corr;
    // the owner first: groups never mix organisations, or SOCs for SOC-wide rules
    const keyValues: unknown[] = [rt.tracked ? (this.tenancy.socOf.get(org) ?? org) : org];
    for (const name of corr.groupBy) {
      const v = getField(event, corr.aliases.get(name)?.get(ruleId) ?? name);
      if (v === undefined || v === null) return undefined;
      keyValues.push(v);
    }
    let value: string | number | null = null;
    if (corr.field) {
      if (corr.type === 'value_count') {
        const vs = corr.field.map((f) => getField(event, f));
        if (vs.every((v) => v !== undefined && v !== null)) value = JSON.stringify(vs.length === 1 ? vs[0] : vs);
      } else {
        value = numericValue(getField(event, corr.field[0]!)) ?? null;
      }
    }
    return [ci, JSON.stringify(keyValues), value];
  }

  /** Processes released matches and due window ends in time order; matches first on equal times. */
  private drain(): Alert[] {
    const out: Alert[] = [];
    const w = this.watermark;
    for (;;) {
      const next = this.buffer.peek();
      const released = next !== undefined && (next.t < w || (this.lateness === 0 && next.t <= w));
      const timer = this.timers.peek();
      const due = timer !== undefined && timer.d < w;
      if (!released && !due) break;
      if (released && (!due || next.t <= timer.d)) {
        this.buffer.pop();
        for (const [ci, key, value] of next.x) this.process(ci, key, next.r, next.t, next.e, value, next.o, out);
      } else {
        this.timers.pop();
        this.fireTimer(timer!, out);
      }
    }
    this.expireIdle();
    return out;
  }

  /** `from`: who contributed the match (its organisation, or a chained alert's organisations). */
  private process(ci: number, key: string, ruleId: string, time: number, eventId: string, value: string | number | null, from: Contributors, out: Alert[]): void {
    const rt = this.rules[ci]!;
    const tracked = rt.tracked ? from : undefined;
    if (rt.plan) this.processSequence(ci, rt, key, ruleId, time, eventId, tracked, out);
    else if (rt.corr.mode === 'sliding') this.processSliding(ci, rt, key, time, eventId, value, tracked, out);
    else this.processClosing(ci, rt, key, time, eventId, value, tracked);
  }

  private processSliding(ci: number, rt: RuleRuntime, key: string, time: number, eventId: string, value: string | number | null, from: Contributors | undefined, out: Alert[]): void {
    let g = rt.groups.use(key) as WindowGroup | undefined;
    if (g) {
      dropBefore(g, time - rt.corr.timespanMs);
      appendEvent(g, time, eventId, value);
      if (from !== undefined) g.o!.push(from);
    } else {
      this.makeRoom(rt);
      g = newWindowGroup(time, eventId, rt.corr.field !== undefined ? value : undefined);
      if (from !== undefined) g.o = [from];
      rt.groups.add(key, g);
    }
    const v = windowValue(g, rt.corr);
    if (v !== undefined && thresholdHolds(rt.corr.threshold, v)) {
      // the window's events are used up: the next alert for this group needs new ones
      rt.groups.delete(key);
      this.emit(ci, { key, start: g.t[0]!, end: time, value: v, ids: g.id.slice(0, this.maxMembers), total: g.id.length, from: g.o }, out);
    }
  }

  private processClosing(ci: number, rt: RuleRuntime, key: string, time: number, eventId: string, value: string | number | null, from: Contributors | undefined): void {
    const g = rt.groups.use(key) as WindowGroup | undefined;
    if (g) {
      appendEvent(g, time, eventId, value);
      if (from !== undefined) g.o!.push(from);
      return;
    }
    this.makeRoom(rt);
    const opened = newWindowGroup(time, eventId, rt.corr.field !== undefined ? value : undefined);
    if (from !== undefined) opened.o = [from];
    opened.s = time;
    rt.groups.add(key, opened);
    this.timers.push({ d: time + rt.corr.timespanMs, c: ci, k: key, q: this.seq++ });
  }

  private processSequence(ci: number, rt: RuleRuntime, key: string, ruleId: string, time: number, eventId: string, from: Contributors | undefined, out: Alert[]): void {
    const plan = rt.plan!;
    const corr = rt.corr;
    let g = rt.groups.use(key) as SequenceGroup | undefined;
    if (!g) {
      this.makeRoom(rt);
      g = newSequenceGroup(plan, time, rt.tracked);
      rt.groups.add(key, g);
    }
    const negated = plan.negatedSlotOf.get(ruleId);
    if (negated !== undefined) {
      g.n![negated] = time;
      g.l = time;
      if (g.p) {
        delete g.p;
        rt.counters.absenceCancelled++;
      }
      return;
    }
    recordStep(g, plan, ruleId, time, eventId, from);
    const done = findCompletion(g, plan, corr, time);
    if (!done) return;
    clearSteps(g, plan);
    if (!corr.absence) {
      rt.groups.delete(key);
      this.emit(ci, { key, start: done.start, end: time, value: done.value, ids: done.ids.slice(0, this.maxMembers), total: done.ids.length, from: done.from }, out);
      return;
    }
    // absence: the positive pattern happened; a negated match since the window start (ordered) or within a
    // timespan before (unordered) rules this one out, otherwise wait for the window end
    const negatedSince = plan.ordered ? done.start : time - corr.timespanMs;
    if (!g.n!.some((t) => t !== null && t >= negatedSince)) {
      if (g.p) {
        for (const id of done.ids) if (g.p.ids.length < this.maxMembers) g.p.ids.push(id);
        g.p.total += done.ids.length;
        if (g.p.o && done.from) g.p.o = contributingOrganizations([g.p.o, ...done.from]);
      } else {
        g.p = { s: done.start, ids: done.ids.slice(0, this.maxMembers), total: done.ids.length };
        if (done.from) g.p.o = contributingOrganizations(done.from);
        this.timers.push({ d: done.start + corr.timespanMs, c: ci, k: key, q: this.seq++ });
      }
    }
  }

  private fireTimer(timer: WindowTimer, out: Alert[]): void {
    const rt = this.rules[timer.c]!;
    const corr = rt.corr;
    const g = rt.groups.peek(timer.k);
    if (!g) return;
    if (rt.plan) {
      const sg = g as SequenceGroup;
      if (!sg.p || sg.p.s + corr.timespanMs !== timer.d) return;
      const p = sg.p;
      delete sg.p;
      rt.counters.windowsClosed++;
      this.emit(timer.c, { key: timer.k, start: p.s, end: timer.d, value: 0, ids: p.ids, total: p.total, from: p.o }, out);
      return;
    }
    const wg = g as WindowGroup;
    if (wg.s === undefined || wg.s + corr.timespanMs !== timer.d) return;
    rt.groups.delete(timer.k);
    rt.counters.windowsClosed++;
    const v = windowValue(wg, corr);
    if (v !== undefined && thresholdHolds(corr.threshold, v)) {
      this.emit(timer.c, { key: timer.k, start: wg.s, end: timer.d, value: v, ids: wg.id.slice(0, this.maxMembers), total: wg.id.length, from: wg.o }, out);
    }
  }

  /** Builds the alert, hands it to the caller if visible, and feeds it to chained correlations. */
  private emit(ci: number, f: CorrelationFinding, out: Alert[]): void {
    const rt = this.rules[ci]!;
    const alert = buildCorrelationAlert(rt.corr, f);
    rt.counters.alerts++;
    if (rt.visible) out.push(alert);
    if (rt.consumers.length === 0) return;
    const group = alert.socle.correlation!.group;
    const readGroup = (ev: Record<string, unknown>, name: string): unknown => ev[name];
    // a chained alert is a match of its owner, made of its organisations' events
    const owner = alert.organization!.id as string;
    const orgs = alert.socle.organizations!;
    // a copy: the caller holds the alert, and may change it
    const from: Contributors = orgs.length === 1 ? orgs[0]! : [...orgs];
    for (const consumer of rt.consumers) {
      const extracted = this.extract(consumer, rt.corr.id, group, readGroup, owner);
      if (!extracted) {
        this.rules[consumer]!.counters.missingGroupBy++;
        continue;
      }
      const [, key, value] = extracted;
      this.process(consumer, key, rt.corr.id, f.end, alert.event.id, value, from, out);
    }
  }

  private makeRoom(rt: RuleRuntime): void {
    while (rt.groups.size >= this.maxKeys) {
      rt.groups.delete(rt.groups.oldest()!.key);
      rt.counters.evicted++;
    }
  }

  /**
   * Groups are kept in least-recently-seen order, so expired ones are at the front. Groups waiting for a
   * window end stop the sweep; they leave when their window closes.
   */
  private expireIdle(): void {
    for (const rt of this.rules) {
      const horizon = this.idleTimeout === undefined ? rt.corr.timespanMs : Math.min(rt.corr.timespanMs, this.idleTimeout);
      const limit = this.watermark - horizon;
      for (let oldest = rt.groups.oldest(); oldest; oldest = rt.groups.oldest()) {
        if (rt.plan) {
          const sg = oldest.group as SequenceGroup;
          if (sg.p || sg.l >= limit) break;
        } else {
          const wg = oldest.group as WindowGroup;
          if (wg.s !== undefined || wg.t[wg.t.length - 1]! >= limit) break;
        }
        rt.groups.delete(oldest.key);
        rt.counters.expired++;
      }
    }
  }
}

/** A snapshot written before organisations: every group, window end and buffered match is the default one's. */
function ownedByDefault(s: EngineState, org: string): void {
  const owned = (key: string): string => JSON.stringify([org, ...(JSON.parse(key) as unknown[])]);
  for (const m of s.buffer) {
    m.o ??= org;
    for (const x of m.x) x[1] = owned(x[1]);
  }
  for (const t of s.timers) t.k = owned(t.k);
  for (const r of s.rules) r.groups = r.groups.map(([key, g]) => [owned(key), g]);
}

/** A restored group of a SOC-wide rule that does not say who contributed its members: its owner did. */
function withContributors(g: GroupState, key: string, plan: SequencePlan | undefined): GroupState {
  if ((g as { o?: unknown }).o !== undefined) return g;
  const owner = (JSON.parse(key) as unknown[])[0] as string;
  if (!plan) {
    const wg = g as WindowGroup;
    wg.o = wg.t.map(() => owner);
    return wg;
  }
  const sg = g as SequenceGroup;
  sg.o = plan.ordered ? (sg.t as number[][]).map((slot) => slot.map(() => owner)) : (sg.t as Array<number | null>).map((t) => (t === null ? null : owner));
  if (sg.p) sg.p.o = [owner];
  return sg;
}

function nonNegative(v: number, name: string): number {
  if (typeof v !== 'number' || !(v >= 0)) throw new Error(`correlation option ${name} must be a number >= 0, got ${String(v)}`);
  return v;
}

function encodeTime(t: number): number | string | null {
  return t === Infinity ? 'end' : t === -Infinity ? null : t;
}

function decodeTime(t: number | string | null, fallback: number): number {
  return t === 'end' ? Infinity : typeof t === 'number' ? t : fallback;
}

/** How many correlations feed into each one, at most (0 = only detection rules). Requires no cycle. */
function chainDepths(correlations: readonly CompiledCorrelation[], indexById: Map<string, number>): number[] {
  const depth = new Array<number>(correlations.length).fill(-1);
  const of = (i: number): number => {
    if (depth[i]! >= 0) return depth[i]!;
    let d = 0;
    for (const id of correlations[i]!.ruleIds) {
      const j = indexById.get(id);
      if (j !== undefined) d = Math.max(d, of(j) + 1);
    }
    return (depth[i] = d);
  };
  correlations.forEach((_, i) => of(i));
  return depth;
}

function assertNoCycle(correlations: readonly CompiledCorrelation[], indexById: Map<string, number>): void {
  const state = new Array<0 | 1 | 2>(correlations.length).fill(0);
  const visit = (i: number, path: string[]): void => {
    if (state[i] === 2) return;
    const corr = correlations[i]!;
    if (state[i] === 1) throw new CorrelationRuleError(corr.rule, `correlation rules reference each other in a cycle: ${[...path, corr.id].join(' -> ')}`);
    state[i] = 1;
    for (const id of corr.ruleIds) {
      const j = indexById.get(id);
      if (j !== undefined) visit(j, [...path, corr.id]);
    }
    state[i] = 2;
  };
  correlations.forEach((_, i) => visit(i, []));
}
