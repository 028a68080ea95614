/**
 * The engine facade: loads rule and pipeline texts once, then turns events into alerts.
 * Loading never throws for a bad rule: the rule is rejected with a reason and the others still load.
 */
import type { Alert } from './alert.ts';
import { buildDetectionAlert, eventIdOf, eventTimeOf, eventTimeValue, ruleId } from './alert-build.ts';
import { checkEventDepth, InvalidEventError, readEventTime, timeOutOfRange } from './invalid-event.ts';
import { RuleIndex, type IndexStats, type IndexedRule } from './detection.ts';
import { literalFilter } from './prefilter/literals.ts';
import { compileFieldGetter, type FieldGetter, type SocleEvent } from './event.ts';
import {
  AlertSuppressor,
  compileCorrelationRule,
  CorrelationEngine,
  parseSuppressionConfig,
  type CompiledCorrelation,
  type CorrelationEngineOptions,
  type CorrelationStats,
  type SuppressionConfig,
  type SuppressionStats,
} from './correlation/index.ts';
import { applyPipelines, mapFieldName, mergePlaceholders, parsePipeline, type Pipeline } from './pipeline/index.ts';
import { compileDetection, compileDetectionRule, type CompiledDetection } from './sigma/compile.ts';
import type { CompileEnv } from './sigma/modifiers.ts';
import { FieldTable } from './sigma/context.ts';
import { SigmaRuleError, type RuleLoadError } from './sigma/errors.ts';
import type { LogSource, SigmaCorrelationRule, SigmaDetectionRule, SigmaFilterRule, SigmaRule } from './sigma/model.ts';
import { parseSigmaYaml } from './sigma/parse.ts';
import { definitionOf, fingerprint } from './rule-fingerprint.ts';
import { DEFAULT_MEMO_CHARS, memoBudget } from './value-memo.ts';
import { organizationOf, ruleScopeOf, tenancyOf, type Tenancy } from './organization.ts';

export interface TextSource {
  text: string;
  file?: string;
}

export interface EngineOptions {
  rules: TextSource[];
  pipelines?: TextSource[];
  /** Values for `|expand` placeholders; they override pipeline placeholders of the same name. */
  placeholders?: Record<string, string[]>;
  /** Event-time field (default `@timestamp`). */
  timestampField?: string;
  /** Copy the matched event into detection alerts (`socle.event`). */
  includeEvent?: boolean;
  /** Clock for alerts of events that carry no timestamp (default `Date.now`). */
  now?: () => number;
  /** Correlation windows: allowed lateness, key limits, idle expiry, member events per alert. */
  correlation?: Omit<CorrelationEngineOptions, 'eventTime' | 'defaultOrganization' | 'socs'>;
  /**
   * Event values whose text scans, regular-expression and `cidr` verdicts are remembered, so a value seen again is
   * not scanned or matched again: the budget in characters (each value also counts 64). Default 4,000,000 (about
   * 8-16 MB); 0 turns the memos off.
   */
  scanMemoChars?: number;
  /**
   * The organisation of events without a string `organization.id` (default `"default"`). Every piece of
   * correlation and suppression state is per organisation, and every alert carries its owner in `organization.id`.
   */
  defaultOrganization?: string;
  /**
   * SOC id -> its member organisation ids (an organisation in at most one SOC). Correlation rules with
   * `socle.scope: soc` group the events of a SOC's members together; their alerts belong to the SOC.
   */
  socs?: Record<string, string[]>;
}

export interface LoadedRule {
  id: string;
  title: string;
  type: 'detection' | 'correlation';
  level?: string;
  logsource?: LogSource;
  file?: string;
}

export interface EventRef {
  /** A stable id for the event (input offset, Kafka partition/offset, ...); defaults to `event.id` or a content hash. */
  id?: string;
}

export interface EngineStats {
  events: number;
  /** Events without a readable event time (they are detected on, but not correlated). */
  eventsWithoutTime: number;
  /** Events refused with an `InvalidEventError` (not counted in `events`). */
  invalidEvents: number;
  alerts: number;
  rules: IndexStats;
  correlation: CorrelationStats;
  suppression: SuppressionStats;
}

/** What a reload did to each rule's correlation and suppression state (rule ids, sorted). */
export interface StateCarryOver {
  /** Same id and same definition: their state carried over. */
  kept: string[];
  /** Same id, changed definition (or a rule it builds on changed): their state starts empty. */
  reset: string[];
  /** New ids: they start empty. */
  added: string[];
  /** Ids no longer loaded: their state is gone. */
  removed: string[];
}

export interface Engine {
  readonly loaded: LoadedRule[];
  readonly rejected: RuleLoadError[];
  /**
   * One event in; the alerts it completes out (detections, correlations, suppression updates).
   * Throws `InvalidEventError` (with a `reason`) for an event it cannot evaluate: not an object, a time outside
   * 1970..9999, or objects and arrays nested deeper than `MAX_EVENT_DEPTH` (checked in full for events that match
   * a rule; others fail only where a walk meets that depth). Nothing of the engine's state has changed then:
   * dead-letter the event and go on with the same engine.
   */
  process(event: SocleEvent, ref?: EventRef): Alert[];
  /**
   * A new engine of the same loaded rules, with empty correlation and suppression state: it shares their compiled
   * form (nothing is parsed or compiled again), so one engine per stream partition costs only its own state. An
   * engine and its forks must process events one at a time (one thread); `stats().rules` counts for all of them.
   */
  fork(): Engine;
  /** Moves event time forward without an event (e.g. wall clock on an idle stream): closes due windows. */
  advanceWatermark(timeMs: number): Alert[];
  /** End of stream: closes every window, absences included. */
  flush(): Alert[];
  /** The correlation and suppression state, as bytes; `restore` on an engine with the same rules continues it. */
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
  /**
   * Hot reload: takes over the state of `previous` (an engine, or its snapshot) for every rule whose id and
   * definition are unchanged; changed and removed rules lose theirs, added rules start empty, the watermark
   * carries over. Call it on a new engine, before its first event.
   */
  carryStateFrom(previous: Engine | Uint8Array): StateCarryOver;
  stats(): EngineStats;
}

export function createEngine(options: EngineOptions): Engine {
  return new SocleEngine(options);
}

class SocleEngine implements Engine {
  readonly loaded: LoadedRule[] = [];
  readonly rejected: RuleLoadError[] = [];
  private readonly index: RuleIndex;
  private readonly timestampField: string;
  private readonly correlation: CorrelationEngine;
  private readonly suppressor: AlertSuppressor;
  /** Rules whose own alerts are not emitted because a correlation consumes them (Sigma v2 default). */
  private readonly silenced: Set<string>;
  private readonly referenced: Set<string>;
  /** Per detection rule id, how a correlation group-by name reads its events (after pipelines). */
  private readonly groupReaders = new Map<string, (event: SocleEvent, name: string) => unknown>();
  /** Loaded detection rules by id (for correlation group-by fields through pipelines). */
  private readonly detectionRules = new Map<string, SigmaDetectionRule>();
  private readonly pipelines: Pipeline[];
  /** Rule id -> fingerprint of its loaded definition (see rule-fingerprint.ts). */
  private readonly fingerprints = new Map<string, string>();
  private readonly correlations: CompiledCorrelation[];
  private readonly suppressions: Map<string, SuppressionConfig>;
  private readonly tenancy: Tenancy;
  private events = 0;
  private eventsWithoutTime = 0;
  private invalidEvents = 0;
  private alerts = 0;

  /** `template`: an engine whose loaded rules this one shares (see `fork`); none: load them from the options. */
  constructor(
    private readonly options: EngineOptions,
    template?: SocleEngine,
  ) {
    this.timestampField = options.timestampField ?? '@timestamp';
    if (template) {
      this.loaded = template.loaded;
      this.rejected = template.rejected;
      this.index = template.index;
      this.pipelines = template.pipelines;
      this.groupReaders = template.groupReaders;
      this.detectionRules = template.detectionRules;
      this.fingerprints = template.fingerprints;
      this.correlations = template.correlations;
      this.suppressions = template.suppressions;
      this.tenancy = template.tenancy;
    } else {
      this.tenancy = tenancyOf(options);
      const loaded = this.load(options);
      this.index = loaded.index;
      this.pipelines = loaded.pipelines;
      this.correlations = loaded.correlations;
      this.suppressions = loaded.suppressions;
    }
    this.correlation = new CorrelationEngine(this.correlations, {
      ...options.correlation,
      defaultOrganization: this.tenancy.defaultOrganization,
      socs: options.socs,
      eventTime: (e) => eventTimeOf(e, this.timestampField),
    });
    this.referenced = this.correlation.referencedRuleIds();
    this.silenced = this.correlation.silencedRuleIds();
    this.suppressor = new AlertSuppressor(this.suppressions, { defaultOrganization: this.tenancy.defaultOrganization });
  }

  /** Parses, maps and compiles the rules of the options (filling `loaded`, `rejected`, fingerprints and rules by id). */
  private load(options: EngineOptions) {
    // Options first: a bad one is reported before any rule is compiled.
    const scanMemoChars = options.scanMemoChars ?? DEFAULT_MEMO_CHARS;
    if (!Number.isSafeInteger(scanMemoChars) || scanMemoChars < 0) {
      throw new RangeError(`scanMemoChars must be a whole number of characters, 0 or more (got ${String(options.scanMemoChars)})`);
    }
    const pipelines = this.loadPipelines(options.pipelines ?? []);
    const rules: SigmaRule[] = [];
    for (const source of options.rules) {
      const parsed = parseSigmaYaml(source.text, source.file);
      rules.push(...parsed.rules);
      this.rejected.push(...parsed.errors);
    }
    const fields = new FieldTable();
    // One budget for the fields' scan memos and the verdict memos of regular expressions and address ranges.
    const memos = memoBudget(scanMemoChars);
    const suppressions = new Map<string, SuppressionConfig>();
    const placeholders = { ...mergePlaceholders(pipelines), ...(options.placeholders ?? {}) };
    const env = { fields, placeholders, memoBudget: memos };
    const filters = this.prepareFilters(rules.filter((r): r is SigmaFilterRule => r.type === 'filter'), pipelines, env);
    // what every detection rule also depends on: a change here resets them all
    const shared = { pipelinesAndPlaceholders: fingerprint({ pipelines: pipelines.map(({ file: _file, ...p }) => p), placeholders }) };
    const compiled: IndexedRule[] = [];
    for (const rule of rules) {
      if (rule.type !== 'detection') continue;
      const result = pipelines.length ? applyPipelines(rule, pipelines) : { rule };
      if ('notApplicable' in result) {
        this.reject(rule, undefined, result.notApplicable);
        continue;
      }
      try {
        const applied = filtersFor(result.rule, filters);
        const c = compileDetectionRule(result.rule, env, applied);
        const suppression = parseSuppressionConfig(rule);
        const scope = ruleScopeOf(rule.custom);
        if (scope !== 'organization') {
          throw new SigmaRuleError('socle.scope', typeof scope === 'string' ? "'soc' applies to correlation rules only (a detection alert belongs to one organisation)" : scope.error);
        }
        this.fingerprints.set(ruleId(rule), fingerprint({ rule: definitionOf(result.rule), filters: applied.map(definitionOf), ...shared }));
        compiled.push({ compiled: c, filter: literalFilter(result.rule, env) });
        if (suppression) suppressions.set(ruleId(rule), suppression);
        this.loaded.push(info(rule, 'detection'));
        this.detectionRules.set(ruleId(rule), rule);
      } catch (err) {
        this.reject(rule, err);
      }
    }
    const correlations = this.compileCorrelations(rules.filter((r): r is SigmaCorrelationRule => r.type === 'correlation'), suppressions);
    return { index: new RuleIndex(compiled, fields, { memoBudget: memos }), pipelines, correlations, suppressions };
  }

  fork(): Engine {
    return new SocleEngine(this.options, this);
  }

  /**
   * Compiles correlation rules in dependency order, so a correlation may refer to detection rules and to
   * correlations that loaded; one that refers to a rule that did not load is rejected, naming it.
   */
  private compileCorrelations(rules: SigmaCorrelationRule[], suppressions: Map<string, SuppressionConfig>): CompiledCorrelation[] {
    const known = new Map<string, { id: string }>();
    for (const r of this.loaded) known.set(r.id, { id: r.id });
    for (const r of this.detectionRules.values()) if (r.name) known.set(r.name, { id: ruleId(r) });
    const out: CompiledCorrelation[] = [];
    const socWide = new Set<string>();
    let pending = rules;
    for (let progress = true; pending.length && progress; ) {
      progress = false;
      const next: SigmaCorrelationRule[] = [];
      for (const rule of pending) {
        const refs = correlationRefs(rule);
        if (!refs.every((ref) => known.has(ref))) {
          next.push(rule);
          continue;
        }
        progress = true;
        try {
          const c = compileCorrelationRule(rule, (ref) => known.get(ref));
          const socInput = c.scope === 'soc' ? undefined : c.ruleIds.find((id) => socWide.has(id));
          if (socInput !== undefined) {
            throw new SigmaRuleError('correlation.rules', `refers to the SOC-wide correlation '${socInput}', so it must be SOC-wide too (socle.scope: soc)`);
          }
          if (c.scope === 'soc') socWide.add(c.id);
          const suppression = parseSuppressionConfig(rule);
          if (suppression) suppressions.set(c.id, suppression);
          out.push(c);
          // its state means "counted with those rules": a referenced rule that changed resets it too
          const refs = c.ruleIds.map((id) => [id, this.fingerprints.get(id) ?? null]);
          // a SOC-wide rule's groups mean "these member organisations": new SOC members reset it
          const socs = c.scope === 'soc' ? { socs: this.tenancy.socs } : {};
          this.fingerprints.set(c.id, fingerprint({ rule: definitionOf(rule), refs, ...socs }));
          known.set(c.id, { id: c.id });
          if (c.name) known.set(c.name, { id: c.id });
          this.loaded.push(info(rule, 'correlation'));
        } catch (err) {
          this.reject(rule, err);
        }
      }
      pending = next;
    }
    for (const rule of pending) {
      const missing = correlationRefs(rule).filter((ref) => !known.has(ref));
      this.reject(rule, new SigmaRuleError('correlation.rules', `refers to ${missing.map((m) => `'${m}'`).join(', ')}, which did not load (unknown, rejected or a cycle)`));
    }
    return out;
  }

  /**
   * How correlations read group-by fields in the events of one detection rule, through the pipelines: one reader
   * per rule, and one compiled getter per field name, built on first use and kept.
   */
  private groupFieldReader(ruleKey: string): (event: SocleEvent, name: string) => unknown {
    let reader = this.groupReaders.get(ruleKey);
    if (reader) return reader;
    const rule = this.detectionRules.get(ruleKey);
    const byName = new Map<string, FieldGetter>();
    const getterFor = (name: string): FieldGetter => {
      const names = rule && this.pipelines.length ? mapFieldName(name, rule.logsource, this.pipelines, rule) : [name];
      const getters = (names.length ? names : [name]).map(compileFieldGetter);
      if (getters.length === 1) return getters[0];
      return (event) => {
        for (const g of getters) {
          const v = g(event);
          if (v !== undefined) return v;
        }
        return undefined;
      };
    };
    reader = (event, name) => {
      let g = byName.get(name);
      if (!g) byName.set(name, (g = getterFor(name)));
      return g(event);
    };
    this.groupReaders.set(ruleKey, reader);
    return reader;
  }


  private loadPipelines(sources: TextSource[]): Pipeline[] {
    const out: Pipeline[] = [];
    for (const s of sources) out.push(parsePipeline(s.text, s.file));
    return out;
  }

  /** Filters after pipelines; a filter that does not compile is rejected itself and applied to no rule. */
  private prepareFilters(filters: SigmaFilterRule[], pipelines: Pipeline[], env: CompileEnv): SigmaFilterRule[] {
    const out: SigmaFilterRule[] = [];
    for (const f of filters) {
      const result = pipelines.length ? applyPipelines(f, pipelines) : { rule: f };
      if ('notApplicable' in result) {
        this.reject(f, undefined, result.notApplicable);
        continue;
      }
      try {
        compileDetection(result.rule.identifiers, result.rule.conditions, env, 'filter');
        out.push(result.rule);
      } catch (err) {
        this.reject(f, err);
      }
    }
    return out;
  }

  private reject(rule: SigmaRule, err: unknown, reason?: string): void {
    this.rejected.push({
      file: rule.location.file,
      document: rule.location.document,
      id: rule.id,
      title: rule.title,
      construct: err instanceof SigmaRuleError ? err.construct : undefined,
      reason: reason ?? (err instanceof Error ? err.message : String(err)),
    });
  }

  process(event: SocleEvent, ref?: EventRef): Alert[] {
    let eventTime: number | undefined;
    let matches: readonly CompiledDetection[];
    let eventId: string | undefined;
    // Every check that can refuse the event comes before any state changes (the rule index keeps only caches).
    try {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        throw new InvalidEventError('not-an-object', `an event must be a JSON object, got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`);
      }
      eventTime = this.timeOf(event);
      matches = this.index.match(event);
      if (matches.length) {
        // Alerts, correlation keys and suppression read the event's values wherever they are: bound them first.
        checkEventDepth(event);
        eventId = ref?.id ?? eventIdOf(event);
      }
    } catch (error) {
      if (error instanceof InvalidEventError) this.invalidEvents++;
      throw error;
    }
    this.events++;
    if (eventId === undefined) return [];
    if (eventTime === undefined) this.eventsWithoutTime++;
    const time = eventTime ?? (this.options.now ?? Date.now)();
    // What the alerts' `@timestamp` reads back as (whole milliseconds).
    const alertTime = Math.trunc(time);
    const defaultOrganization = this.tenancy.defaultOrganization;
    const organization = organizationOf(event, defaultOrganization);
    const out: Alert[] = [];
    for (const m of matches) {
      const id = ruleId(m.rule);
      if (!this.silenced.has(id)) {
        const includeEvent = this.options.includeEvent ?? false;
        const alert = buildDetectionAlert(m.rule, event, eventId, time, includeEvent, organization, organization === defaultOrganization);
        out.push(...this.suppressor.offer(alert, undefined, alertTime));
      }
      if (eventTime !== undefined && this.referenced.has(id)) {
        const getField = this.groupFieldReader(id);
        out.push(...this.suppress(this.correlation.onMatch({ ruleId: id, ruleName: m.rule.name, event, eventId, time: eventTime, organization, getField })));
      }
    }
    this.alerts += out.length;
    return out;
  }

  /** The event's time; undefined when absent or unreadable; `InvalidEventError` when out of range. */
  private timeOf(event: SocleEvent): number | undefined {
    const value = eventTimeValue(event, this.timestampField);
    const t = readEventTime(value);
    if (t === 'out-of-range') throw timeOutOfRange(this.timestampField, value);
    return typeof t === 'number' ? t : undefined;
  }

  advanceWatermark(timeMs: number): Alert[] {
    const out = [...this.suppress(this.correlation.advanceWatermark(timeMs)), ...this.suppressor.advance(timeMs)];
    this.alerts += out.length;
    return out;
  }

  flush(): Alert[] {
    const out = [...this.suppress(this.correlation.flush()), ...this.suppressor.flush()];
    this.alerts += out.length;
    return out;
  }

  private suppress(alerts: Alert[]): Alert[] {
    return alerts.length ? alerts.flatMap((a) => this.suppressor.offer(a)) : alerts;
  }

  snapshot(): Uint8Array {
    const state = {
      format: 'socle.engine/1',
      rules: Object.fromEntries(this.fingerprints),
      correlation: this.correlation.snapshot(),
      suppression: this.suppressor.snapshot(),
    };
    return new TextEncoder().encode(JSON.stringify(state));
  }

  restore(bytes: Uint8Array): void {
    const state = readSnapshot(bytes);
    this.correlation.restore(state.correlation);
    this.suppressor.restore(state.suppression);
  }

  carryStateFrom(previous: Engine | Uint8Array): StateCarryOver {
    if (this.events > 0) throw new Error('carryStateFrom: call it on a new engine, before its first event');
    const state = readSnapshot(previous instanceof Uint8Array ? previous : previous.snapshot());
    const before = new Map(Object.entries(state.rules ?? {}));
    const result: StateCarryOver = { kept: [], reset: [], added: [], removed: [] };
    for (const [id, print] of this.fingerprints) {
      const old = before.get(id);
      if (old === undefined) result.added.push(id);
      else (old === print ? result.kept : result.reset).push(id);
    }
    for (const id of before.keys()) if (!this.fingerprints.has(id)) result.removed.push(id);
    for (const list of Object.values(result)) list.sort();
    const kept = new Set(result.kept);
    const keepRules = (id: string) => kept.has(id);
    this.correlation.restore(state.correlation, { keepRules });
    this.suppressor.restore(state.suppression, { keepRules });
    return result;
  }

  stats(): EngineStats {
    return {
      events: this.events,
      eventsWithoutTime: this.eventsWithoutTime,
      invalidEvents: this.invalidEvents,
      alerts: this.alerts,
      rules: this.index.stats(),
      correlation: this.correlation.stats(),
      suppression: this.suppressor.stats(),
    };
  }
}

interface EngineSnapshot {
  format: 'socle.engine/1';
  /** Rule id -> definition fingerprint (absent in snapshots written before hot reload). */
  rules?: Record<string, string>;
  correlation: unknown;
  suppression: unknown;
}

function readSnapshot(bytes: Uint8Array): EngineSnapshot {
  let state: Partial<EngineSnapshot> | null;
  try {
    state = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('engine snapshot: not a Socle engine snapshot (invalid JSON)');
  }
  if (state?.format !== 'socle.engine/1') throw new Error(`engine snapshot: unknown format ${JSON.stringify(state?.format)}`);
  return state as EngineSnapshot;
}

function correlationRefs(rule: SigmaCorrelationRule): string[] {
  const r = rule.correlation.rules;
  return typeof r === 'string' ? [r] : Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

function info(rule: SigmaDetectionRule | SigmaCorrelationRule, type: LoadedRule['type']): LoadedRule {
  return {
    id: ruleId(rule),
    title: rule.title,
    type,
    level: rule.level,
    logsource: rule.type === 'detection' ? rule.logsource : undefined,
    file: rule.location.file,
  };
}

/** Filters that name the rule (by id, name or `any`) and whose log source covers the rule's. */
function filtersFor(rule: SigmaDetectionRule, filters: SigmaFilterRule[]): SigmaFilterRule[] {
  return filters.filter((f) => {
    const named = f.rules.some((r) => {
      const ref = r.toLowerCase();
      return ref === 'any' || ref === rule.id?.toLowerCase() || (rule.name !== undefined && r === rule.name);
    });
    if (!named) return false;
    return (['product', 'category', 'service'] as const).every(
      (k) => f.logsource[k] === undefined || f.logsource[k]?.toLowerCase() === rule.logsource[k]?.toLowerCase(),
    );
  });
}
