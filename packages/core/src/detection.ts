/**
 * Finds which compiled rules match an event. Two filters run before a rule is evaluated:
 * its index key (a field that must equal one of some values, e.g. the log source's EventID), and its
 * necessary literals (texts one of which must occur in some field), checked for all rules at once with
 * one Aho-Corasick pass per field.
 */
import type { SocleEvent } from './event.ts';
import { AhoCorasick } from './prefilter/aho-corasick.ts';
import type { Literal } from './prefilter/literals.ts';
import type { CompiledDetection } from './sigma/compile.ts';
import { EventContext, type FieldTable } from './sigma/context.ts';

export interface IndexedRule {
  compiled: CompiledDetection;
  literals?: Literal[];
}

interface Entry {
  compiled: CompiledDetection;
  position: number;
  /** Whether the rule has necessary literals; if so it is evaluated only when one of them was found. */
  prefiltered: boolean;
}

interface SlotScanner {
  slot: number;
  automaton: AhoCorasick;
  /** Global id of the automaton's pattern i. */
  globalIds: Int32Array;
}

export interface IndexStats {
  rules: number;
  anchored: number;
  unanchored: number;
  prefiltered: number;
  indexedFields: number;
  /** Rule evaluations so far, and candidates skipped by the literal prefilter. */
  evaluations: number;
  skippedByPrefilter: number;
}

export class RuleIndex {
  private readonly entries: Entry[];
  /** slot -> lower-cased value -> rules anchored on it */
  private readonly bySlot = new Map<number, Map<string, Entry[]>>();
  private readonly unanchored: Entry[] = [];
  private readonly anchorSlots: number[];
  private readonly ctx: EventContext;
  private readonly seen = new Set<Entry>();
  private readonly scanners = new Map<number, SlotScanner>();
  /** Global literal id -> positions of the rules that need it. */
  private readonly literalRules: Int32Array[];
  private readonly hitEpoch: Int32Array;
  /** Per rule position: the epoch of the last event in which one of its literals was found. */
  private readonly passEpoch: Int32Array;
  private epoch = 0;
  private evaluations = 0;
  private skipped = 0;

  constructor(rules: IndexedRule[], fields: FieldTable) {
    this.ctx = new EventContext(fields);
    // Distinct literal texts per slot become one automaton per slot.
    const textsBySlot = new Map<number, Map<string, number>>();
    let nextId = 0;
    const idOf = (l: Literal): number => {
      let texts = textsBySlot.get(l.slot);
      if (!texts) textsBySlot.set(l.slot, (texts = new Map()));
      let id = texts.get(l.text);
      if (id === undefined) texts.set(l.text, (id = nextId++));
      return id;
    };
    const needers: number[][] = [];
    this.entries = rules.map((r, position) => {
      for (const l of r.literals ?? []) {
        const id = idOf(l);
        (needers[id] ??= []).push(position);
      }
      return { compiled: r.compiled, position, prefiltered: (r.literals?.length ?? 0) > 0 };
    });
    this.literalRules = needers.map((list) => Int32Array.from(new Set(list)));
    this.hitEpoch = new Int32Array(nextId);
    this.passEpoch = new Int32Array(this.entries.length);
    for (const [slot, texts] of textsBySlot) {
      const list = [...texts.entries()];
      this.scanners.set(slot, { slot, automaton: new AhoCorasick(list.map(([t]) => t)), globalIds: Int32Array.from(list.map(([, id]) => id)) });
    }
    for (const e of this.entries) {
      const anchor = e.compiled.anchor;
      if (!anchor) {
        this.unanchored.push(e);
        continue;
      }
      let byValue = this.bySlot.get(anchor.slot);
      if (!byValue) this.bySlot.set(anchor.slot, (byValue = new Map()));
      for (const v of anchor.values) {
        const list = byValue.get(v);
        if (list) list.push(e);
        else byValue.set(v, [e]);
      }
    }
    this.anchorSlots = [...this.bySlot.keys()];
  }

  /** Rules that match the event, in load order. */
  match(event: SocleEvent): CompiledDetection[] {
    const ctx = this.ctx.reset(event);
    this.epoch++;
    for (const scanner of this.scanners.values()) this.scan(scanner);
    const out: Entry[] = [];
    for (const e of this.unanchored) this.evaluate(e, out);
    const seen = this.seen;
    for (const slot of this.anchorSlots) {
      const values = ctx.lowerStrings(slot);
      if (!values.length) continue;
      const byValue = this.bySlot.get(slot)!;
      for (const v of values) {
        const candidates = byValue.get(v);
        if (!candidates) continue;
        for (const e of candidates) {
          if (seen.has(e)) continue;
          seen.add(e);
          this.evaluate(e, out);
        }
      }
    }
    if (seen.size) seen.clear();
    if (out.length > 1) out.sort((a, b) => a.position - b.position);
    return out.map((e) => e.compiled);
  }

  private evaluate(e: Entry, out: Entry[]): void {
    if (e.prefiltered && this.passEpoch[e.position] !== this.epoch) {
      this.skipped++;
      return;
    }
    this.evaluations++;
    if (e.compiled.match(this.ctx)) out.push(e);
  }

  /** Finds the slot's literals in the event and marks the rules that need them as worth evaluating. */
  private scan(scanner: SlotScanner): void {
    const values = this.ctx.lowerStrings(scanner.slot);
    if (!values.length) return;
    const epoch = this.epoch;
    const hits = this.hitEpoch;
    const pass = this.passEpoch;
    const ids = scanner.globalIds;
    const literalRules = this.literalRules;
    const hit = (i: number) => {
      const id = ids[i];
      if (hits[id] === epoch) return;
      hits[id] = epoch;
      const list = literalRules[id];
      for (let k = 0; k < list.length; k++) pass[list[k]] = epoch;
    };
    for (const v of values) scanner.automaton.scan(v, hit);
  }

  stats(): IndexStats {
    return {
      rules: this.entries.length,
      anchored: this.entries.length - this.unanchored.length,
      unanchored: this.unanchored.length,
      prefiltered: this.entries.filter((e) => e.prefiltered).length,
      indexedFields: this.anchorSlots.length,
      evaluations: this.evaluations,
      skippedByPrefilter: this.skipped,
    };
  }
}
