/**
 * The rules of one kind of event (one combination of the rule index's dispatch values, e.g. a Sysmon
 * process creation): their literal automata per field, and the per-event work of finding which of them match.
 * Built by the rule index the first time such an event arrives.
 */
import type { SocleEvent } from './event.ts';
import { MAX_EVENT_DEPTH, tooDeep } from './invalid-event.ts';
import { AhoCorasick } from './prefilter/aho-corasick.ts';
import { KEYWORDS, type Literal } from './prefilter/literals.ts';
import { requirementHolds } from './prefilter/requirement-check.ts';
import { skipScanFor, type SkipScan } from './prefilter/skip-scan.ts';
import type { Anchor, CompiledDetection } from './sigma/compile.ts';
import type { EventContext } from './sigma/context.ts';
import { ValueMemo, type MemoBudget } from './value-memo.ts';

export interface IndexEntry {
  compiled: CompiledDetection;
  position: number;
  /** Global literal ids one of which occurs in every event the rule matches; absent: not prefiltered. */
  triggers?: Int32Array;
  /** Every global literal id of its requirement (triggers included): what the scanners of its group must find. */
  literalIds: number[];
}

/** State shared by all groups of one index: per-event epochs, so nothing is cleared between events. */
export interface MatchState {
  ctx: EventContext;
  /** Every rule of the index, by position. */
  entries: IndexEntry[];
  /** The requirement checks of all rules (`requirement-check.ts`), and where each rule's starts (-1: none needed). */
  checks: Int32Array;
  checkAt: Int32Array;
  epoch: number;
  /** Per global literal id: the epoch of the last event it was found in. */
  hits: Int32Array;
  /** Per rule position: the epoch of the last event in which one of its triggers was found. */
  triggered: Int32Array;
  /** Per rule position: the epoch of the last event it was evaluated on. */
  evaluated: Int32Array;
  evaluations: number;
  /** What the fields' scan memos may hold together; undefined: no memos. */
  memoBudget: MemoBudget | undefined;
  /** Automata and rule lists shared by the groups that scan a field for the same literals. */
  scanners: ScannerCache;
}

/** What a scan that found nothing found (shared by every such value). */
const NOTHING = new Int32Array(0);

/**
 * Without a pipeline most rules are anchored on no dispatch value, so every kind of event gets nearly the same
 * rules, and the same literals per field: the Windows corpus's command-line automaton (5,734 patterns, 15 MiB)
 * and its per-pattern rule lists were built again for each of a dozen kinds. Groups now share them.
 */
export class ScannerCache {
  private readonly automata = new Map<string, AhoCorasick>();
  private readonly positionLists = new Map<string, Int32Array>();
  /** Automata built so far. */
  built = 0;
  /** Bounds on each map, for when groups keep being dropped and rebuilt with other literal sets. */
  constructor(
    private readonly maxAutomata = 4096,
    private readonly maxPositionLists = 1 << 16,
  ) {}

  /** The automaton finding these literals (global ids), built from `texts()` the first time. */
  automaton(literalIds: Int32Array, texts: () => string[]): AhoCorasick {
    const key = literalIds.join(',');
    let automaton = this.automata.get(key);
    if (automaton === undefined) {
      if (this.automata.size >= this.maxAutomata) this.automata.clear();
      automaton = new AhoCorasick(texts());
      this.automata.set(key, automaton);
      this.built++;
    }
    return automaton;
  }

  /** One shared array per distinct list of rule positions. */
  positions(list: number[] | undefined): Int32Array {
    if (list === undefined || list.length === 0) return NOTHING;
    const key = list.join(',');
    let positions = this.positionLists.get(key);
    if (positions === undefined) {
      if (this.positionLists.size >= this.maxPositionLists) this.positionLists.clear();
      positions = Int32Array.from(list);
      this.positionLists.set(key, positions);
    }
    return positions;
  }
}

interface Scanner {
  automaton: AhoCorasick;
  /** By the automaton's pattern number: its global literal id, and the positions of the rules it triggers. */
  literalIds: Int32Array;
  rulesOf: Int32Array[];
  /** Called with the automaton's pattern number on each occurrence. */
  hit: (pattern: number) => void;
}

/**
 * The scanner of the values no field scanner looks at: keyword texts only, usually few and long, so a skip
 * scan tells most values apart from the ones worth the automaton at a fraction of the cost of reading them.
 */
interface KeywordScanner extends Scanner {
  /** Absent when some keyword text is too short for skipping to pay. */
  skip: SkipScan | undefined;
}

/** A field path in the walk: its children, the scanner for its values and what that scanner found by value. */
class PathNode {
  readonly children = new Map<string, PathNode>();
  /** The field's own scanner; none for a path the walk only passes through. */
  scanner: Scanner | undefined;
  /** What scans of this field's string values found, as replays (`replayOf`); none when the index keeps no memos. */
  memo: ValueMemo<Int32Array> | undefined;
  /** The keys of the object last walked at this path, in order, and their nodes. */
  readonly lastKeys: string[] = [];
  readonly lastChildren: (PathNode | undefined)[] = [];
}


/** Keys remembered per path, in the order of the last object walked there. */
const MAX_REMEMBERED_KEYS = 64;

export class RuleGroup {
  /** Scanners by field path, so one walk over the event finds the fields worth scanning and skips the rest. */
  private readonly paths: PathNode;
  /** Scanner for the values no field scanner looks at; present when some rule has keyword literals. */
  private readonly keywordScanner: KeywordScanner | undefined;
  /** Rules with no literal requirement and no anchor left to check: evaluated on every event of the group. */
  private readonly always: IndexEntry[] = [];
  /** Rules with no literal requirement, by an anchor the group's dispatch did not check: value -> rules, per slot. */
  private readonly anchoredSlots: number[] = [];
  private readonly anchored: Map<string, IndexEntry[]>[] = [];
  /**
   * Positions of the rules reached through their triggers in the current event, in the order found: the first
   * `candidateCount`. Counted rather than emptied, as emptying an array lets go of its storage.
   */
  private readonly candidates: number[] = [];
  private candidateCount = 0;
  /** What the scan of a value not yet in its memo found. */
  private readonly scanned: number[] = [];
  private readonly collect = (pattern: number) => {
    this.scanned.push(pattern);
  };

  constructor(
    members: IndexEntry[],
    literals: Literal[],
    fields: { names: string[] },
    private readonly state: MatchState,
    dispatchSlots: Set<number>,
  ) {
    const idsBySlot = new Map<number, Set<number>>();
    const triggered = new Map<number, number[]>();
    for (const e of members) {
      for (const id of e.literalIds) {
        const slot = literals[id].slot;
        let ids = idsBySlot.get(slot);
        if (!ids) idsBySlot.set(slot, (ids = new Set()));
        ids.add(id);
      }
      for (const id of e.triggers ?? []) append(triggered, id, e.position);
    }
    // Keyword literals are looked for in every value: field scanners find them too, so that one walk over the
    // event scans each value once, with its field's scanner or else with the keyword scanner.
    const keywordIds = idsBySlot.get(KEYWORDS);
    idsBySlot.delete(KEYWORDS);
    const scannerOf = (idSet: Set<number>): Scanner => {
      const literalIds = Int32Array.from([...idSet, ...(keywordIds ?? [])]);
      const rulesOf = Array.from(literalIds, (id) => state.scanners.positions(triggered.get(id)));
      const automaton = state.scanners.automaton(literalIds, () => Array.from(literalIds, (id) => literals[id].text));
      return { automaton, literalIds, rulesOf, hit: (pattern) => this.found(literalIds[pattern], rulesOf[pattern]) };
    };
    if (keywordIds) {
      const skip = skipScanFor([...keywordIds].map((id) => literals[id].text));
      this.keywordScanner = { ...scannerOf(new Set()), skip };
    }
    this.paths = new PathNode();
    for (const [slot, idSet] of idsBySlot) {
      let node = this.paths;
      for (const part of fields.names[slot].split('.')) {
        let child = node.children.get(part);
        if (!child) node.children.set(part, (child = new PathNode()));
        node = child;
      }
      node.scanner = scannerOf(idSet);
      node.memo = state.memoBudget && new ValueMemo(state.memoBudget);
    }
    const unfiltered = members.filter((e) => !e.triggers);
    const anchorOf = chooseAnchors(unfiltered.map((e) => e.compiled.anchors.filter((a) => !dispatchSlots.has(a.slot))));
    unfiltered.forEach((e, i) => {
      const anchor = anchorOf[i];
      if (!anchor) {
        this.always.push(e);
        return;
      }
      let at = this.anchoredSlots.indexOf(anchor.slot);
      if (at < 0) {
        at = this.anchoredSlots.push(anchor.slot) - 1;
        this.anchored.push(new Map());
      }
      for (const v of anchor.values) append(this.anchored[at], v, e);
    });
  }

  /** Adds the group's rules that match the current event (`state.ctx`) to `out`. */
  match(event: SocleEvent, out: IndexEntry[]): void {
    const state = this.state;
    const epoch = state.epoch;
    this.candidateCount = 0;
    this.walk(event, this.paths, 0);
    for (const e of this.always) this.evaluate(e, out);
    for (let i = 0; i < this.anchoredSlots.length; i++) {
      for (const v of state.ctx.lowerStrings(this.anchoredSlots[i])) {
        const list = this.anchored[i].get(v);
        if (list) for (const e of list) this.evaluate(e, out);
      }
    }
    const { candidates, candidateCount } = this;
    const { checks, checkAt, hits, entries } = state;
    for (let i = 0; i < candidateCount; i++) {
      const position = candidates[i];
      const at = checkAt[position];
      if (at < 0 || requirementHolds(checks, at, hits, epoch)) this.evaluate(entries[position], out);
    }
  }

  private evaluate(e: IndexEntry, out: IndexEntry[]): void {
    const state = this.state;
    if (state.evaluated[e.position] === state.epoch) return;
    state.evaluated[e.position] = state.epoch;
    state.evaluations++;
    if (e.compiled.match(state.ctx)) out.push(e);
  }

  /** What `found` does for each literal of a value, from what a scan of the value gave (`replayOf`). */
  private replay(replay: Int32Array): void {
    const { hits, epoch } = this.state;
    const marks = replay[0];
    for (let k = 1; k <= marks; k++) hits[replay[k]] = epoch;
    this.reach(replay, marks + 1, replay.length);
  }

  /** A literal found in the current event: marked, and the rules it triggers reached. */
  private found(literal: number, rules: Int32Array): void {
    const { hits, epoch } = this.state;
    if (hits[literal] === epoch) return;
    hits[literal] = epoch;
    this.reach(rules, 0, rules.length);
  }

  /** The rules at `positions[from..to)` are reached, each once per event; checked once all literals are known. */
  private reach(positions: Int32Array, from: number, to: number): void {
    const { triggered, epoch } = this.state;
    for (let k = from; k < to; k++) {
      const position = positions[k];
      if (triggered[position] === epoch) continue;
      triggered[position] = epoch;
      this.candidates[this.candidateCount++] = position;
    }
  }

  /**
   * Walks the event along the scanners' field paths (nested and flat dotted names alike, as field access reads
   * them) and scans every value found at a scanner's path. With keyword literals, the walk goes everywhere
   * and scans the other values with the keyword scanner.
   */
  private walk(node: Record<string, unknown>, paths: PathNode | undefined, depth: number): void {
    if (depth === MAX_EVENT_DEPTH) throw tooDeep();
    const everywhere = this.keywordScanner;
    let position = 0;
    for (const key in node) {
      let next: PathNode | undefined;
      if (paths !== undefined) {
        // Events of one kind mostly have their keys in the same order: compare with the last one's keys
        // (interned strings, so a pointer comparison) before looking the key up.
        const keys = paths.lastKeys;
        if (position < keys.length && keys[position] === key) {
          next = paths.lastChildren[position];
        } else {
          next = this.childOf(paths, key);
          if (position < MAX_REMEMBERED_KEYS) {
            keys[position] = key;
            paths.lastChildren[position] = next;
          }
        }
        position++;
      }
      if (next !== undefined || everywhere !== undefined) this.visit(node[key], next, depth + 1);
    }
  }

  /**
   * One value at the field `node` (undefined: a field no rule names): a scalar is scanned, by the field's own
   * scanner or else the keyword scanner, an array's elements are values of the same field, an object is walked
   * further.
   */
  private visit(value: unknown, node: PathNode | undefined, depth: number): void {
    if (value === null || value === undefined) return;
    if (typeof value !== 'object') {
      if (node !== undefined && node.scanner !== undefined) this.scanField(value, node.scanner, node.memo);
      else if (this.keywordScanner !== undefined) this.scanKeywords(value, this.keywordScanner);
    } else if (Array.isArray(value)) {
      if (depth === MAX_EVENT_DEPTH) throw tooDeep();
      for (const v of value) this.visit(v, node, depth + 1);
    } else if (this.keywordScanner !== undefined || node!.children.size) {
      this.walk(value as Record<string, unknown>, node, depth);
    }
  }

  /** The node of `key` under `paths`: nested and flat dotted names alike, as field access reads them. */
  private childOf(paths: PathNode, key: string): PathNode | undefined {
    let next = paths.children.get(key);
    if (next === undefined && key.includes('.')) {
      next = paths;
      for (const part of key.split('.')) if (next) next = next.children.get(part);
    }
    return next;
  }

  /** Scans one scalar value with the keyword scanner; a string only when the skip scan says a keyword may be in it. */
  private scanKeywords(value: unknown, scanner: KeywordScanner): void {
    if (typeof value === 'string') {
      if (value.length < scanner.automaton.minLength) return;
      if (scanner.skip !== undefined && !scanner.skip.mayOccurIn(value)) return;
      scanner.automaton.scan(value, scanner.hit);
    } else {
      this.scanField(value, scanner, undefined);
    }
  }

  /** Scans one scalar value of a field; string values through the field's memo. */
  private scanField(value: unknown, scanner: Scanner, memo: ValueMemo<Int32Array> | undefined): void {
    const automaton = scanner.automaton;
    switch (typeof value) {
      case 'string': {
        if (value.length < automaton.minLength) return;
        if (memo === undefined || !memo.active()) {
          automaton.scan(value, scanner.hit);
          return;
        }
        let replay = memo.get(value);
        if (replay === undefined) {
          this.scanned.length = 0;
          automaton.scan(value, this.collect);
          replay = memo.set(value, this.scanned.length === 0 ? NOTHING : replayOf(scanner, this.scanned));
        }
        if (replay.length !== 0) this.replay(replay);
        return;
      }
      case 'number':
      case 'bigint':
        if (automaton.numeric) automaton.scan(String(value), scanner.hit);
        return;
      case 'boolean':
        automaton.scan(value ? 'true' : 'false', scanner.hit);
    }
  }
}

/**
 * What a value's scan found, in the form replayed each time the value comes again: the number of literals, their
 * global ids, then the positions of the rules they trigger (each once).
 */
function replayOf(scanner: Scanner, patterns: number[]): Int32Array {
  const literals = new Set<number>();
  const rules = new Set<number>();
  for (const p of patterns) {
    literals.add(scanner.literalIds[p]);
    for (const position of scanner.rulesOf[p]) rules.add(position);
  }
  return Int32Array.of(literals.size, ...literals, ...rules);
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Picks each rule's index key among its candidates: the one whose values the fewest rules share, so that an
 * event reaches as few rules as possible (an EventID shared by a thousand rules is a poor key when the rule
 * also needs `OriginalFileName: whoami.exe`).
 */
function chooseAnchors(candidates: Anchor[][]): (Anchor | undefined)[] {
  const shared = new Map<string, number>();
  const key = (slot: number, v: string) => `${slot}\u0000${v}`;
  for (const anchors of candidates) {
    const seen = new Set<string>();
    for (const a of anchors) for (const v of a.values) seen.add(key(a.slot, v));
    for (const k of seen) shared.set(k, (shared.get(k) ?? 0) + 1);
  }
  return candidates.map((anchors) => {
    let best: Anchor | undefined;
    let bestCost = Infinity;
    for (const a of anchors) {
      let cost = 0;
      for (const v of a.values) cost += shared.get(key(a.slot, v)) ?? 0;
      if (cost < bestCost) {
        bestCost = cost;
        best = a;
      }
    }
    return best;
  });
}
