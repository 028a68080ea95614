/**
 * Necessary literals: for a rule, a set of (field, lower-cased text) such that the rule can only match an event
 * in which at least one of those texts occurs inside that field. The engine checks them all at once with
 * Aho-Corasick automata before evaluating rules, so most rules are never evaluated on most events.
 */
import { parseCondition, type ConditionNode } from '../sigma/condition.ts';
import { isSearchBody, type DetectionItem, type SearchBody, type SigmaDetectionRule } from '../sigma/model.ts';
import { transformValue, type CompileEnv } from '../sigma/modifiers.ts';

export interface Literal {
  slot: number;
  text: string;
}

/** Any one of these must occur; undefined means nothing can be required. */
type Need = Literal[] | undefined;

/** Shorter ASCII texts occur in too many events to be worth checking (non-ASCII ones, e.g. emoji, are rare). */
const MIN_LENGTH = 3;
const STRING_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 'cased', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'expand']);

export function necessaryLiterals(rule: SigmaDetectionRule, env: CompileEnv): Literal[] | undefined {
  try {
    const names = [...rule.identifiers.keys()];
    const byName = (n: string): Need => bodyNeed(rule.identifiers.get(n)!, env);
    const conditions = rule.conditions.map((c) => nodeNeed(parseCondition(c), names, byName));
    // Pipeline conditions (log source: channel, EventID) are left to the rule index; as literals they would
    // be met by every event of the log source.
    return union(conditions);
  } catch {
    // The compiler reports rule errors; a rule that compiled but confuses this analysis is simply not prefiltered.
    return undefined;
  }
}

function nodeNeed(node: ConditionNode, names: string[], byName: (n: string) => Need): Need {
  switch (node.op) {
    case 'id':
      return byName(node.name);
    case 'not':
      return undefined;
    case 'and':
      return best(node.args.map((a) => nodeNeed(a, names, byName)));
    case 'or':
      return union(node.args.map((a) => nodeNeed(a, names, byName)));
    case 'of': {
      const re = new RegExp(`^${node.pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const members = names.filter((n) => (node.pattern === 'them' ? !n.startsWith('_') : re.test(n))).map(byName);
      return node.count === 'all' ? best(members) : union(members);
    }
  }
}

function bodyNeed(body: SearchBody, env: CompileEnv): Need {
  const member = (x: DetectionItem | SearchBody): Need => (isSearchBody(x) ? bodyNeed(x, env) : itemNeed(x, env));
  return body.kind === 'and' ? best(body.items.map(member)) : union(body.alternatives.map(member));
}

function itemNeed(item: DetectionItem, env: CompileEnv): Need {
  if (item.field === null) return undefined;
  const mods = item.modifiers.map((m) => m.toLowerCase());
  if (!mods.every((m) => STRING_MODIFIERS.has(m))) return undefined;
  if (item.values.some((v) => v === null)) return undefined;
  const slot = env.fields.slot(item.field);
  const transforms = mods.filter((m) => m !== 'all' && m !== 'cased');
  const perValue: Need[] = item.values.map((v) => {
    const alternatives = transformValue(v as string | number | boolean, transforms, env, item.field!, false);
    const lits: Literal[] = [];
    for (const parts of alternatives) {
      let longest = '';
      for (const p of parts) if (typeof p === 'string' && p.length > longest.length) longest = p;
      if (longest.length < MIN_LENGTH && !/[^\x00-\x7f]/.test(longest)) return undefined;
      lits.push({ slot, text: longest.toLowerCase() });
    }
    return lits;
  });
  return mods.includes('all') ? best(perValue) : union(perValue);
}

function union(needs: Need[]): Need {
  const out: Literal[] = [];
  for (const n of needs) {
    if (!n) return undefined;
    out.push(...n);
  }
  return out.length ? out : undefined;
}

/** Of several needs that all hold, the one least likely to be met: longest shortest text, then fewest texts. */
function best(needs: Need[]): Need {
  let chosen: Need;
  let score = -1;
  for (const n of needs) {
    if (!n) continue;
    const shortest = Math.min(...n.map((l) => l.text.length));
    const s = Math.min(shortest, 16) * 1000 - Math.min(n.length, 999);
    if (s > score) {
      score = s;
      chosen = n;
    }
  }
  return chosen;
}
