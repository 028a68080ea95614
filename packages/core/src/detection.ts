/**
 * Finds which compiled rules match an event without evaluating most of them.
 *
 * Dispatch: a field or two that most rules are anchored on (must equal one of some values, e.g. the log
 * source's channel and EventID) split events into kinds; each kind gets its own group of rules, built the
 * first time such an event arrives (`rule-group.ts`), so an event only meets the rules of its kind.
 * Within a group, rules are reached through the texts they need (one Aho-Corasick pass per field) and their
 * literal requirement is checked before the rule itself is evaluated.
 */
import type { SocleEvent } from './event.ts';
import { literalsOf, type Literal, type LiteralFilter } from './prefilter/literals.ts';
import { appendRequirementCheck } from './prefilter/requirement-check.ts';
import { RuleGroup, ScannerCache, type IndexEntry, type MatchState } from './rule-group.ts';
import type { CompiledDetection } from './sigma/compile.ts';
import { EventContext, type FieldTable } from './sigma/context.ts';
import { DEFAULT_MEMO_CHARS, memoBudget, type MemoBudget } from './value-memo.ts';

export interface IndexedRule {
  compiled: CompiledDetection;
  filter?: LiteralFilter;
}

export interface RuleIndexOptions {
  /** What the fields' scan memos draw on (shared with the engine's other memos); none: no scan memos. */
  memoBudget: MemoBudget | undefined;
}

export interface IndexStats {
  rules: number;
  /** Rules reached only through the texts they need. */
  prefiltered: number;
  /** Fields that split events into kinds. */
  dispatchFields: string[];
  /** Kinds of events met so far whose rule groups are ready. */
  groups: number;
  /** Rule groups built so far (more than `groups` once old ones were dropped). */
  groupBuilds: number;
  /** Literal automata built so far: groups scanning a field for the same literals share one. */
  automata: number;
  /** Rule evaluations so far. */
  evaluations: number;
}

/** A dispatch field: its anchored (lower-cased) values, numbered from 1; 0 is "none of them". */
interface DispatchField {
  slot: number;
  ids: Map<string, number>;
  stride: number;
  /** Value ids by the scalar as events hold it (`"4688"`, `4688`, `"Security"`), so most reads skip lower-casing. */
  seen: Map<unknown, number>;
}

/** Fields with more anchored values than this make poor kinds (e.g. process names). */
const MAX_DISPATCH_VALUES = 1024;
const MAX_DISPATCH_FIELDS = 2;
const MAX_GROUPS = 256;
const MAX_SEEN_VALUES = 4096;
/** What `match` returns for the events no rule matches (most of them). */
const NO_MATCHES: readonly CompiledDetection[] = Object.freeze([]);

export class RuleIndex {
  private readonly entries: IndexEntry[];
  private readonly literals: Literal[] = [];
  private readonly state: MatchState;
  private readonly dispatch: DispatchField[];
  private readonly dispatchSlots: Set<number>;
  /** Per rule position and dispatch field: the value ids the rule allows (undefined: any). */
  private readonly allowed: (Set<number> | undefined)[][];
  private readonly groups = new Map<number | string, RuleGroup>();
  private groupBuilds = 0;
  private readonly out: IndexEntry[] = [];

  constructor(
    rules: IndexedRule[],
    private readonly fields: FieldTable,
    options: RuleIndexOptions = { memoBudget: memoBudget(DEFAULT_MEMO_CHARS) },
  ) {
    const literalIds = new Map<string, number>();
    const idOf = (l: Literal): number => {
      const key = `${l.slot}\u0000${l.text}`;
      let id = literalIds.get(key);
      if (id === undefined) {
        literalIds.set(key, (id = this.literals.length));
        this.literals.push(l);
      }
      return id;
    };
    const checks: number[] = [];
    const checkAt = new Int32Array(rules.length).fill(-1);
    this.entries = rules.map((r, position) => {
      const entry: IndexEntry = { compiled: r.compiled, position, literalIds: [] };
      if (r.filter) {
        entry.triggers = Int32Array.from(new Set(r.filter.triggers.map(idOf)));
        entry.literalIds = [...new Set(literalsOf(r.filter.requirement).map(idOf))];
        if (r.filter.rest) checkAt[position] = appendRequirementCheck(checks, r.filter.rest, idOf);
      }
      return entry;
    });
    const n = this.entries.length;
    this.state = {
      ctx: new EventContext(fields),
      entries: this.entries,
      checks: Int32Array.from(checks),
      checkAt,
      epoch: 0,
      hits: new Int32Array(this.literals.length),
      triggered: new Int32Array(n),
      evaluated: new Int32Array(n),
      evaluations: 0,
      memoBudget: options.memoBudget,
      scanners: new ScannerCache(),
    };
    this.dispatch = chooseDispatch(this.entries);
    this.dispatchSlots = new Set(this.dispatch.map((d) => d.slot));
    this.allowed = this.entries.map((e) =>
      this.dispatch.map((d) => {
        let ids: Set<number> | undefined;
        for (const a of e.compiled.anchors) {
          if (a.slot !== d.slot) continue;
          // Several anchors on one field must all hold.
          const mine = new Set(a.values.map((v) => d.ids.get(v)!));
          ids = ids ? new Set([...ids].filter((x) => mine.has(x))) : mine;
        }
        return ids;
      }),
    );
  }

  /** Rules that match the event, in load order. */
  match(event: SocleEvent): readonly CompiledDetection[] {
    const state = this.state;
    state.ctx.reset(event);
    state.epoch++;
    const group = this.groupOf();
    const out = this.out;
    // Emptied only when it holds something (after a match): emptying an array lets go of its storage, which the
    // next push allocates again.
    if (out.length !== 0) out.length = 0;
    group.match(event, out);
    if (out.length === 0) return NO_MATCHES;
    if (out.length > 1) out.sort((a, b) => a.position - b.position);
    return out.map((e) => e.compiled);
  }

  /** The group of the current event's kind, named by its dispatch values' ids (0: absent or unknown). */
  private groupOf(): RuleGroup {
    const ctx = this.state.ctx;
    const dispatch = this.dispatch;
    let key = 0;
    for (let i = 0; i < dispatch.length; i++) {
      const d = dispatch[i];
      const raw = ctx.raw(d.slot);
      if (raw === undefined || raw === null) continue;
      if (typeof raw === 'object') {
        if (!Array.isArray(raw)) continue;
        // An array value: a kind of its own, named by every value.
        return this.groupNamed(dispatch.map((x) => this.valueIds(x).join(',')).join('|'));
      }
      let id = d.seen.get(raw);
      if (id === undefined) {
        id = d.ids.get(ctx.lowerStrings(d.slot)[0]) ?? 0;
        if (d.seen.size < MAX_SEEN_VALUES) d.seen.set(raw, id);
      }
      key += id * d.stride;
    }
    return this.groupNamed(key);
  }

  /** The group of the current event's kind, built if this is the first event of that kind. */
  private groupNamed(key: number | string): RuleGroup {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = this.build(this.dispatch.map((d) => this.valueIds(d)));
      if (this.groups.size >= MAX_GROUPS) this.groups.delete(this.groups.keys().next().value!);
      this.groups.set(key, group);
    }
    return group;
  }

  private valueIds(d: DispatchField): number[] {
    return [...new Set(this.state.ctx.lowerStrings(d.slot).map((v) => d.ids.get(v) ?? 0))].sort((a, b) => a - b);
  }

  private build(valueIds: number[][]): RuleGroup {
    this.groupBuilds++;
    const members = this.entries.filter((e) =>
      this.allowed[e.position].every((allowed, i) => allowed === undefined || valueIds[i].some((id) => allowed.has(id))),
    );
    return new RuleGroup(members, this.literals, this.fields, this.state, this.dispatchSlots);
  }

  stats(): IndexStats {
    return {
      rules: this.entries.length,
      prefiltered: this.entries.filter((e) => e.triggers).length,
      dispatchFields: this.dispatch.map((d) => this.fields.names[d.slot]),
      groups: this.groups.size,
      groupBuilds: this.groupBuilds,
      automata: this.state.scanners.built,
      evaluations: this.state.evaluations,
    };
  }
}

/**
 * Picks the dispatch fields: the ones most rules are anchored on, as long as their anchored values are more
 * than one (a field every rule wants equal to the same value splits nothing) and not too many.
 */
function chooseDispatch(entries: IndexEntry[]): DispatchField[] {
  const rulesBySlot = new Map<number, number>();
  const valuesBySlot = new Map<number, Set<string>>();
  for (const e of entries) {
    for (const slot of new Set(e.compiled.anchors.map((a) => a.slot))) rulesBySlot.set(slot, (rulesBySlot.get(slot) ?? 0) + 1);
    for (const a of e.compiled.anchors) {
      let values = valuesBySlot.get(a.slot);
      if (!values) valuesBySlot.set(a.slot, (values = new Set()));
      for (const v of a.values) values.add(v);
    }
  }
  const slots = [...rulesBySlot.keys()]
    .filter((slot) => valuesBySlot.get(slot)!.size > 1 && valuesBySlot.get(slot)!.size <= MAX_DISPATCH_VALUES)
    .sort((a, b) => rulesBySlot.get(b)! - rulesBySlot.get(a)! || a - b)
    .slice(0, MAX_DISPATCH_FIELDS);
  let stride = 1;
  return slots.map((slot) => {
    const values = [...valuesBySlot.get(slot)!].sort();
    const field = { slot, ids: new Map(values.map((v, i) => [v, i + 1])), stride, seen: new Map() };
    stride *= values.length + 1;
    return field;
  });
}
