/**
 * Necessary literals: for a rule, a set of (field, lower-cased text) such that the rule can only match an event
 * in which at least one of those texts occurs inside that field. The engine checks them all at once with
 * Aho-Corasick automata before evaluating rules, so most rules are never evaluated on most events.
 */
import { matchIdentifiers } from '../sigma/compile.ts';
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
      const members = matchIdentifiers(names, node.pattern).map(byName);
      return node.count === 'all' ? best(members) : union(members);
    }
  }
}

function bodyNeed(body: SearchBody, env: CompileEnv): Need {
  const member = (x: DetectionItem | SearchBody): Need => (isSearchBody(x) ? bodyNeed(x, env) : itemNeed(x, env));
  return body.kind === 'and' ? best(body.items.map(member)) : union(body.alternatives.map(member));
}

const REGEX_MODIFIERS = new Set(['re', 'i', 'ignorecase', 'm', 'multiline', 's', 'dotall', 'contains', 'startswith', 'endswith', 'all']);

function itemNeed(item: DetectionItem, env: CompileEnv): Need {
  const mods = item.modifiers.map((m) => m.toLowerCase());
  if (mods.includes('re')) return regexNeed(item, mods, env);
  if (!mods.every((m) => STRING_MODIFIERS.has(m))) return undefined;
  if (item.values.some((v) => v === null)) return undefined;
  // Keyword searches look at every value of the event: slot -1.
  const slot = item.field === null ? -1 : env.fields.slot(item.field);
  const transforms = mods.filter((m) => m !== 'all' && m !== 'cased');
  const perValue: Need[] = item.values.map((v) => {
    const alternatives = transformValue(v as string | number | boolean, transforms, env, item.field ?? 'keywords', false);
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

function regexNeed(item: DetectionItem, mods: string[], env: CompileEnv): Need {
  if (!mods.every((m) => REGEX_MODIFIERS.has(m))) return undefined;
  const slot = item.field === null ? -1 : env.fields.slot(item.field);
  const perValue: Need[] = item.values.map((v) => {
    const text = typeof v === 'string' ? requiredRegexText(v) : '';
    return text.length >= MIN_LENGTH ? [{ slot, text: text.toLowerCase() }] : undefined;
  });
  return mods.includes('all') ? best(perValue) : union(perValue);
}

/**
 * The longest run of literal characters that every match of a regular expression contains: read along the
 * top-level sequence; a group, a class or a wildcard ends a run, an optional quantifier takes back the last
 * character, and a top-level alternation means nothing is certain.
 */
export function requiredRegexText(source: string): string {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '[') i = skipClass(source, i);
      continue;
    }
    if (c === '|') return '';
    if (c === '(') {
      end();
      depth = 1;
    } else if (c === '[') {
      end();
      i = skipClass(source, i);
    } else if (c === '*' || c === '?' || c === '{') {
      // The quantified character may be absent ({0,...}) or repeated: it cannot extend the run either way.
      run = run.slice(0, -1);
      end();
      if (c === '{') i = Math.max(i, source.indexOf('}', i));
    } else if (c === '+') {
      end();
    } else if (c === '.' || c === '^' || c === '$') {
      end();
    } else if (c === '\\') {
      const next = source[i + 1];
      i++;
      if (next !== undefined && /[\\.*+?()[\]{}|^$\/\-]/.test(next)) run += next;
      else end(); // \d, \w, \s, \b, \x41 ...: not a literal character here
    } else {
      run += c;
    }
  }
  end();
  return best;
}

function skipClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') {
    if (source[j] === '\\') j++;
    j++;
  }
  return j;
}
