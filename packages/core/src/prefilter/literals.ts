/**
 * Literal requirements: for a rule, an and/or tree of (field, text) pairs that every event it matches must
 * satisfy, a text "holding" when it occurs inside that field whatever its case. The engine finds all texts
 * of all rules in one Aho-Corasick pass per field, reaches a rule through its triggers (texts one of which
 * must occur) and checks the whole tree before it evaluates the rule, so most rules are never evaluated on
 * most events.
 */
import { isWildcardField } from '../event.ts';
import { matchIdentifiers } from '../sigma/compile.ts';
import { parseCondition, type ConditionNode } from '../sigma/condition.ts';
import { isSearchBody, type DetectionItem, type SearchBody, type SigmaDetectionRule } from '../sigma/model.ts';
import { transformValue, type CompileEnv } from '../sigma/modifiers.ts';
import { foldablePieces } from './case-fold.ts';
import { regexNeed, type TextNeed } from './regex-literals.ts';

/** The slot of keyword searches, which look at every value of the event. */
export const KEYWORDS = -1;

export interface Literal {
  /** Field slot, or KEYWORDS. */
  slot: number;
  /** Case-folded (see `case-fold.ts`). */
  text: string;
}

export type Requirement = { lit: Literal } | { all: Requirement[] } | { any: Requirement[] };

export interface LiteralFilter {
  /** One of these occurs in every event the rule matches. */
  triggers: Literal[];
  requirement: Requirement;
  /** What the requirement needs beyond one of the triggers; undefined: nothing (being reached is the whole check). */
  rest: Requirement | undefined;
}

/** undefined: nothing can be required. */
type Need = Requirement | undefined;

/** Long texts (hashes, paths) are cut to their end, which tells more than their start (`c:\windows\...`). */
const MAX_LITERAL = 16;
const STRING_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 'cased', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'expand']);
const REGEX_MODIFIERS = new Set(['re', 'i', 'ignorecase', 'm', 'multiline', 's', 'dotall', 'contains', 'startswith', 'endswith', 'all']);

export function literalFilter(rule: SigmaDetectionRule, env: CompileEnv): LiteralFilter | undefined {
  let requirement: Need;
  try {
    const names = [...rule.identifiers.keys()];
    const byName = (n: string): Need => bodyNeed(rule.identifiers.get(n)!, env);
    // Pipeline conditions (log source: channel, EventID) are left to the rule index; as literals they would
    // be met by every event of the log source.
    requirement = any(rule.conditions.map((c) => nodeNeed(parseCondition(c), names, byName)));
  } catch {
    // The compiler reports rule errors; a rule that compiled but confuses this analysis is simply not prefiltered.
    return undefined;
  }
  return requirement && { ...split(requirement), requirement };
}

/**
 * The triggers of a requirement, and the rest of it: an event that holds a trigger holds the part the triggers
 * were drawn from when that part is a literal or any of several, so only the other parts are left to check.
 */
function split(req: Requirement): { triggers: Literal[]; rest: Requirement | undefined } {
  const literalsOnly = (r: Requirement) => 'lit' in r || ('any' in r && r.any.every((x) => 'lit' in x));
  if (!('all' in req)) return { triggers: triggersOf(req), rest: literalsOnly(req) ? undefined : req };
  const chosen = triggerChild(req.all);
  const others = req.all.filter((child) => child !== chosen);
  return { triggers: triggersOf(chosen), rest: literalsOnly(chosen) ? join('all', others) : req };
}

function nodeNeed(node: ConditionNode, names: string[], byName: (n: string) => Need): Need {
  switch (node.op) {
    case 'id':
      return byName(node.name);
    case 'not':
      return undefined;
    case 'and':
      return all(node.args.map((a) => nodeNeed(a, names, byName)));
    case 'or':
      return any(node.args.map((a) => nodeNeed(a, names, byName)));
    case 'of': {
      const members = matchIdentifiers(names, node.pattern).map(byName);
      // `N of` needs N members; that some member holds is all this tree says for N >= 1.
      return node.count === 'all' ? all(members) : any(members);
    }
  }
}

function bodyNeed(body: SearchBody, env: CompileEnv): Need {
  const member = (x: DetectionItem | SearchBody): Need => (isSearchBody(x) ? bodyNeed(x, env) : itemNeed(x, env));
  return body.kind === 'and' ? all(body.items.map(member)) : any(body.alternatives.map(member));
}

function itemNeed(item: DetectionItem, env: CompileEnv): Need {
  const mods = item.modifiers.map((m) => m.toLowerCase());
  // The walk that finds literals follows field paths key by key; a `*` part matches keys it cannot name.
  if (item.field !== null && isWildcardField(item.field)) return undefined;
  const slot = item.field === null ? KEYWORDS : env.fields.slot(item.field);
  let perValue: Need[];
  if (mods.includes('re')) {
    if (!mods.every((m) => REGEX_MODIFIERS.has(m))) return undefined;
    perValue = item.values.map((v) => (typeof v === 'string' ? fromTextNeed(regexNeed(v), slot) : undefined));
  } else {
    if (!mods.every((m) => STRING_MODIFIERS.has(m)) || item.values.some((v) => v === null)) return undefined;
    const transforms = mods.filter((m) => m !== 'all' && m !== 'cased');
    perValue = item.values.map((v) => {
      const alternatives = transformValue(v as string | number | boolean, transforms, env, item.field ?? 'keywords', false);
      // Every plain piece of a wildcard pattern is necessary (`7z*.exe` needs `7z` and `.exe`).
      return any(alternatives.map((parts) => all(parts.map((p) => (typeof p === 'string' ? textNeed(slot, p) : undefined)))));
    });
  }
  return mods.includes('all') ? all(perValue) : any(perValue);
}

function fromTextNeed(need: TextNeed, slot: number): Need {
  if (need === undefined) return undefined;
  if ('text' in need) return textNeed(slot, need.text);
  if ('all' in need) return all(need.all.map((n) => fromTextNeed(n, slot)));
  return any(need.any.map((n) => fromTextNeed(n, slot)));
}

function textNeed(slot: number, text: string): Need {
  return all(
    foldablePieces(text)
      .filter(worthFinding)
      .map((piece) => ({ lit: { slot, text: piece.slice(-MAX_LITERAL) } })),
  );
}

/** Short texts of ASCII letters, digits, spaces and path characters occur in too many events to tell anything. */
function worthFinding(text: string): boolean {
  return text.length >= 3 || /[^a-z0-9 \t\r\n\\.:/_-]/.test(text);
}

function all(needs: Need[]): Need {
  const out: Requirement[] = [];
  for (const n of needs) {
    if (!n) continue;
    if ('all' in n) out.push(...n.all);
    else out.push(n);
  }
  return join('all', out);
}

function any(needs: Need[]): Need {
  const out: Requirement[] = [];
  for (const n of needs) {
    if (!n) return undefined;
    if ('any' in n) out.push(...n.any);
    else out.push(n);
  }
  return join('any', out);
}

/** One node of several needs, the same literal kept once. */
function join(kind: 'all' | 'any', needs: Requirement[]): Need {
  const seen = new Set<string>();
  const out = needs.filter((n) => !('lit' in n) || (!seen.has(`${n.lit.slot}:${n.lit.text}`) && !!seen.add(`${n.lit.slot}:${n.lit.text}`)));
  if (out.length <= 1) return out[0];
  return kind === 'all' ? { all: out } : { any: out };
}

/** Every literal of a requirement. */
export function literalsOf(req: Requirement): Literal[] {
  return 'lit' in req ? [req.lit] : ('all' in req ? req.all : req.any).flatMap(literalsOf);
}

function triggersOf(req: Requirement): Literal[] {
  if ('lit' in req) return [req.lit];
  if ('any' in req) return req.any.flatMap(triggersOf);
  return triggersOf(triggerChild(req.all));
}

/** Of several needs that all hold, the one least likely to be met: longest shortest text, then fewest texts. */
function triggerChild(children: Requirement[]): Requirement {
  let chosen = children[0];
  let score = -Infinity;
  for (const child of children) {
    const lits = triggersOf(child);
    const shortest = Math.min(...lits.map((l) => l.text.length));
    const s = Math.min(shortest, 16) * 1000 - Math.min(lits.length, 999);
    if (s > score) {
      score = s;
      chosen = child;
    }
  }
  return chosen;
}
