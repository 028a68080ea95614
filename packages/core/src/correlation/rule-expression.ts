/**
 * The string condition of temporal correlations (Sigma SEP "Condition Extension in Temporal Correlation
 * Rules", pySigma's extended correlation condition): rule names joined by `and`, `or`, `not` and parentheses.
 * Precedence: not > and > or.
 */
export type RuleExpression =
  | { op: 'rule'; name: string }
  | { op: 'not'; arg: RuleExpression }
  | { op: 'and' | 'or'; args: RuleExpression[] };

const TOKEN = /\s*(?:(\()|(\))|([A-Za-z0-9_][A-Za-z0-9_.-]*))/y;

/** Parses `a and not b`; throws an Error saying where the expression is malformed. */
export function parseRuleExpression(text: string): RuleExpression {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected character at offset ${pos} in condition '${text}'`);
    tokens.push(m[1] ?? m[2] ?? m[3]!);
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const fail = (what: string): never => {
    throw new Error(`${what} in condition '${text}'`);
  };

  function parseOr(): RuleExpression {
    const args = [parseAnd()];
    while (peek() === 'or') {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  function parseAnd(): RuleExpression {
    const args = [parseUnary()];
    while (peek() === 'and') {
      i++;
      args.push(parseUnary());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }
  function parseUnary(): RuleExpression {
    const t = peek();
    if (t === undefined) return fail('expression ends too early');
    if (t === 'not') {
      i++;
      return { op: 'not', arg: parseUnary() };
    }
    if (t === '(') {
      i++;
      const inner = parseOr();
      if (peek() !== ')') fail("missing ')'");
      i++;
      return inner;
    }
    if (t === ')' || t === 'and' || t === 'or') return fail(`unexpected '${t}'`);
    i++;
    return { op: 'rule', name: t };
  }

  const expr = parseOr();
  if (i < tokens.length) fail(`unexpected '${tokens[i]}'`);
  return expr;
}

/** Rule names in order of first appearance. */
export function expressionRuleNames(e: RuleExpression, out: string[] = []): string[] {
  if (e.op === 'rule') {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.op === 'not') expressionRuleNames(e.arg, out);
  else for (const a of e.args) expressionRuleNames(a, out);
  return out;
}

export function evaluateRuleExpression(e: RuleExpression, present: (name: string) => boolean): boolean {
  switch (e.op) {
    case 'rule':
      return present(e.name);
    case 'not':
      return !evaluateRuleExpression(e.arg, present);
    case 'and':
      return e.args.every((a) => evaluateRuleExpression(a, present));
    case 'or':
      return e.args.some((a) => evaluateRuleExpression(a, present));
  }
}

/**
 * `a and b and not c` as its positive and negated rule names, or undefined when the expression is not a
 * plain conjunction of (possibly negated) rule names.
 */
export function asConjunctionOfLiterals(e: RuleExpression): { positive: string[]; negated: string[] } | undefined {
  const items = e.op === 'and' ? e.args : [e];
  const positive: string[] = [];
  const negated: string[] = [];
  for (const item of items) {
    if (item.op === 'rule') positive.push(item.name);
    else if (item.op === 'not' && item.arg.op === 'rule') negated.push(item.arg.name);
    else return undefined;
  }
  return { positive, negated };
}

export function containsNot(e: RuleExpression): boolean {
  if (e.op === 'rule') return false;
  if (e.op === 'not') return true;
  return e.args.some(containsNot);
}
