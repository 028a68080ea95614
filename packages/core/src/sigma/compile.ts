/** Turns a Sigma detection rule (after pipelines) into one predicate and the index key the engine files it under. */
import type { EventContext } from './context.ts';
import { parseCondition, type ConditionNode } from './condition.ts';
import { SigmaRuleError } from './errors.ts';
import { isSearchBody, type DetectionItem, type SearchBody, type SigmaDetectionRule, type SigmaFilterRule } from './model.ts';
import { compileItem, type CompileEnv, type Predicate } from './modifiers.ts';

/** A field that must equal one of some values for the rule to match: what the engine indexes rules by. */
export interface Anchor {
  slot: number;
  values: string[];
}

export interface CompiledDetection {
  rule: SigmaDetectionRule;
  match: Predicate;
  /** Every field/values pair the rule needs one of; the rule index picks the most selective. */
  anchors: Anchor[];
}

interface Compiled {
  predicate: Predicate;
  /** Anchors any one of which is necessary for the predicate to hold. */
  anchors: Anchor[];
}

const ALWAYS: Compiled = { predicate: () => true, anchors: [] };

export function compileDetectionRule(rule: SigmaDetectionRule, env: CompileEnv, filters: SigmaFilterRule[] = []): CompiledDetection {
  const parts: Compiled[] = [compileDetection(rule.identifiers, rule.conditions, env, 'detection')];
  rule.addedConditions.forEach((body, i) => parts.push(compileBody(body, env, `pipeline condition ${i + 1}`)));
  for (const f of filters) {
    parts.push(compileDetection(f.identifiers, f.conditions, env, `filter ${f.id ?? f.title}`));
  }
  const all = and(parts);
  return { rule, match: all.predicate, anchors: all.anchors };
}

/** Compiles a detection section: its search identifiers and its condition(s), several conditions OR-ed. */
export function compileDetection(
  identifiers: Map<string, SearchBody>,
  conditions: string[],
  env: CompileEnv,
  path: string,
): Compiled {
  const compiled = new Map<string, Compiled>();
  const get = (name: string, construct: string, pos?: number): Compiled => {
    let c = compiled.get(name);
    if (!c) {
      const body = identifiers.get(name);
      if (!body) {
        throw new SigmaRuleError(construct, `condition references '${name}'${at(pos)}, which is not a search identifier of this rule`);
      }
      c = compileBody(body, env, `${path}.${name}`);
      compiled.set(name, c);
    }
    return c;
  };
  const names = [...identifiers.keys()];
  const build = (node: ConditionNode, construct: string): Compiled => {
    switch (node.op) {
      case 'id':
        return get(node.name, construct, node.pos);
      case 'not': {
        const inner = build(node.arg, construct).predicate;
        return { predicate: (ctx) => !inner(ctx), anchors: [] };
      }
      case 'and':
        return and(node.args.map((a) => build(a, construct)));
      case 'or':
        return or(node.args.map((a) => build(a, construct)));
      case 'of': {
        const matched = matchIdentifiers(names, node.pattern);
        if (!matched.length) {
          throw new SigmaRuleError(construct, `'${node.count === 'all' ? 'all' : node.count} of ${node.pattern}'${at(node.pos)} matches no search identifier`);
        }
        const members = matched.map((n) => get(n, construct));
        if (node.count === 'all') return and(members);
        if (node.count === 1) return or(members);
        return atLeast(node.count, members);
      }
    }
  };
  const options = conditions.map((c, i) => {
    const construct = conditions.length > 1 ? `${path}.condition[${i}]` : `${path}.condition`;
    return build(parseCondition(c, construct), construct);
  });
  return or(options);
}

function at(pos: number | undefined): string {
  return pos === undefined ? '' : ` at column ${pos + 1}`;
}

/** The search identifiers an `x of` pattern names: `them` (all but `_`-prefixed ones) or a `*` pattern. */
export function matchIdentifiers(names: string[], pattern: string): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return names.filter((n) => re.test(n));
}

function compileBody(body: SearchBody, env: CompileEnv, construct: string): Compiled {
  const member = (x: DetectionItem | SearchBody): Compiled => {
    if (isSearchBody(x)) return compileBody(x, env, construct);
    const where = x.field === null ? `${construct}${x.modifiers.length ? '|' + x.modifiers.join('|') : ''}` : `${construct}.${[x.field, ...x.modifiers].join('|')}`;
    const info = compileItem(x, env, where);
    return { predicate: info.predicate, anchors: info.equals ? [{ slot: info.slot, values: info.equals }] : [] };
  };
  if (body.kind === 'and') return and(body.items.map(member));
  return or(body.alternatives.map(member));
}

function and(parts: Compiled[]): Compiled {
  const real = parts.filter((p) => p !== ALWAYS);
  if (real.length === 0) return ALWAYS;
  if (real.length === 1) return real[0];
  const preds = real.map((p) => p.predicate);
  const predicate: Predicate =
    preds.length === 2
      ? ((a, b) => (ctx: EventContext) => a(ctx) && b(ctx))(preds[0], preds[1])
      : (ctx) => {
          for (let i = 0; i < preds.length; i++) if (!preds[i](ctx)) return false;
          return true;
        };
  return { predicate, anchors: real.flatMap((p) => p.anchors) };
}

function or(parts: Compiled[]): Compiled {
  if (parts.length === 1) return parts[0];
  const preds = parts.map((p) => p.predicate);
  const predicate: Predicate = (ctx) => {
    for (let i = 0; i < preds.length; i++) if (preds[i](ctx)) return true;
    return false;
  };
  // An anchor survives an OR only when every branch is anchored on the same field.
  const anchors: Anchor[] = [];
  for (const a of parts[0].anchors) {
    const values = new Set(a.values);
    let ok = true;
    for (const other of parts.slice(1)) {
      const same = other.anchors.filter((b) => b.slot === a.slot);
      if (!same.length) {
        ok = false;
        break;
      }
      // Any of the branch's anchors on that slot is necessary; the smallest keeps the index tight.
      const smallest = same.reduce((x, y) => (y.values.length < x.values.length ? y : x));
      for (const v of smallest.values) values.add(v);
    }
    if (ok) anchors.push({ slot: a.slot, values: [...values] });
  }
  return { predicate, anchors };
}

function atLeast(n: number, parts: Compiled[]): Compiled {
  const preds = parts.map((p) => p.predicate);
  return {
    predicate: (ctx) => {
      let hits = 0;
      for (let i = 0; i < preds.length; i++) if (preds[i](ctx) && ++hits >= n) return true;
      return false;
    },
    anchors: [],
  };
}
