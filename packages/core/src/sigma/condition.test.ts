import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.ts';
import { parseCondition } from './condition.ts';
import { formatLoadError } from './errors.ts';

/** A rule whose search identifiers `a`, `b`, `c`, ... each match the event field of the same name being 1. */
function ruleWith(condition: string | string[], identifiers = ['a', 'b', 'c']): string {
  const ids = identifiers.map((n) => `  ${n}:\n    ${n.replace(/^_/, 'u_')}: 1\n`).join('');
  const cond = Array.isArray(condition) ? `\n${condition.map((c) => `    - '${c}'`).join('\n')}` : ` '${condition}'`;
  return `title: condition test\nid: 6f1d4c52-2b0e-4a51-9f3e-0a9cbb1c0001\nlogsource: {product: test}\ndetection:\n${ids}  condition:${cond}\n`;
}

function evaluator(condition: string | string[], identifiers?: string[]) {
  const engine = createEngine({ rules: [{ text: ruleWith(condition, identifiers), file: 'condition.yml' }] });
  if (engine.rejected.length) throw new Error(formatLoadError(engine.rejected[0]));
  return (fields: Record<string, boolean>) => {
    const event: Record<string, number> = {};
    for (const [k, v] of Object.entries(fields)) if (v) event[k.replace(/^_/, 'u_')] = 1;
    return engine.process(event).length === 1;
  };
}

function rejection(condition: string | string[], identifiers?: string[]) {
  const engine = createEngine({ rules: [{ text: ruleWith(condition, identifiers), file: 'condition.yml' }] });
  expect(engine.loaded).toHaveLength(0);
  expect(engine.rejected).toHaveLength(1);
  return engine.rejected[0];
}

const combos = [false, true].flatMap((a) => [false, true].flatMap((b) => [false, true].map((c) => ({ a, b, c }))));

describe('condition semantics (truth tables over three search identifiers)', () => {
  const cases: Array<[string, (x: { a: boolean; b: boolean; c: boolean }) => boolean]> = [
    ['a', (x) => x.a],
    ['a and b', (x) => x.a && x.b],
    ['a or b', (x) => x.a || x.b],
    ['not a', (x) => !x.a],
    ['a or b and c', (x) => x.a || (x.b && x.c)],
    ['a and b or c', (x) => (x.a && x.b) || x.c],
    ['(a or b) and c', (x) => (x.a || x.b) && x.c],
    ['not a and b', (x) => !x.a && x.b],
    ['not a or b', (x) => !x.a || x.b],
    ['not (a or b)', (x) => !(x.a || x.b)],
    ['not not a', (x) => x.a],
    ['a and not b and not c', (x) => x.a && !x.b && !x.c],
    ['((a) or ((b and (c))))', (x) => x.a || (x.b && x.c)],
    ['A AND B OR NOT C', (x) => (x.a && x.b) || !x.c],
    ['1 of them', (x) => x.a || x.b || x.c],
    ['any of them', (x) => x.a || x.b || x.c],
    ['all of them', (x) => x.a && x.b && x.c],
    ['2 of them', (x) => Number(x.a) + Number(x.b) + Number(x.c) >= 2],
    ['3 of them', (x) => x.a && x.b && x.c],
    ['not 1 of them', (x) => !(x.a || x.b || x.c)],
    ['not all of them', (x) => !(x.a && x.b && x.c)],
    ['all of them or not a', (x) => (x.a && x.b && x.c) || !x.a],
  ];
  it.each(cases)('%s', (condition, expected) => {
    // Identifier names are case-sensitive; the keywords are not. Map A/B/C to the same identifiers.
    const ids = /[ABC]/.test(condition) ? ['A', 'B', 'C'] : ['a', 'b', 'c'];
    const evaluate = evaluator(condition, ids);
    for (const x of combos) {
      const fields = ids[0] === 'A' ? { A: x.a, B: x.b, C: x.c } : x;
      expect(evaluate(fields), JSON.stringify(x)).toBe(expected(x));
    }
  });

  it('a list of conditions is an OR of them', () => {
    const evaluate = evaluator(['a and b', 'c']);
    for (const x of combos) expect(evaluate(x)).toBe((x.a && x.b) || x.c);
  });
});

describe('x of pattern', () => {
  const ids = ['selection_img', 'selection_cli', 'filter_main', 'filter_optional', '_internal'];
  const fields = (on: string[]) => Object.fromEntries(ids.map((n) => [n, on.includes(n)]));

  it('`1 of selection_*` and `all of selection_*` only look at matching identifiers', () => {
    const one = evaluator('1 of selection_*', ids);
    expect(one(fields(['selection_cli']))).toBe(true);
    expect(one(fields(['filter_main']))).toBe(false);
    const all = evaluator('all of selection_*', ids);
    expect(all(fields(['selection_img']))).toBe(false);
    expect(all(fields(['selection_img', 'selection_cli']))).toBe(true);
  });

  it('`all of selection_* and not 1 of filter_*` (the SigmaHQ idiom)', () => {
    const evaluate = evaluator('all of selection_* and not 1 of filter_*', ids);
    expect(evaluate(fields(['selection_img', 'selection_cli']))).toBe(true);
    expect(evaluate(fields(['selection_img', 'selection_cli', 'filter_optional']))).toBe(false);
  });

  it('wildcards may stand anywhere in the pattern', () => {
    const evaluate = evaluator('1 of *_main', ids);
    expect(evaluate(fields(['filter_main']))).toBe(true);
    expect(evaluate(fields(['filter_optional']))).toBe(false);
    const middle = evaluator('all of filter*al', ids);
    expect(middle(fields(['filter_optional']))).toBe(true);
  });

  it('`them` leaves out identifiers starting with an underscore; a pattern naming them includes them', () => {
    const all = evaluator('all of them', ids);
    expect(all(fields(['selection_img', 'selection_cli', 'filter_main', 'filter_optional']))).toBe(true);
    const one = evaluator('1 of them', ids);
    expect(one(fields(['_internal']))).toBe(false);
    const underscore = evaluator('1 of _*', ids);
    expect(underscore(fields(['_internal']))).toBe(true);
  });

  it('`x of` binds tighter than `not`: `not 1 of filter_*` negates the whole group', () => {
    const evaluate = evaluator('not 1 of filter_*', ids);
    expect(evaluate(fields([]))).toBe(true);
    expect(evaluate(fields(['filter_main']))).toBe(false);
    expect(evaluate(fields(['filter_optional']))).toBe(false);
  });
});

describe('parseCondition', () => {
  it('builds the tree with the specified precedence', () => {
    expect(parseCondition('a or not b and 1 of c*')).toEqual({
      op: 'or',
      args: [
        { op: 'id', name: 'a', pos: 0 },
        { op: 'and', args: [{ op: 'not', arg: { op: 'id', name: 'b', pos: 9 } }, { op: 'of', count: 1, pattern: 'c*', pos: 15 }] },
      ],
    });
  });

  it('accepts identifiers with dots, dashes and digits', () => {
    expect(parseCondition('sel-1.x and 2nd')).toEqual({
      op: 'and',
      args: [
        { op: 'id', name: 'sel-1.x', pos: 0 },
        { op: 'id', name: '2nd', pos: 12 },
      ],
    });
  });
});

describe('condition errors name the construct and the position', () => {
  const cases: Array<[string, RegExp]> = [
    ['a and', /at the end/],
    ['and a', /column 1 \('and'\)/],
    ['a or or b', /column 6 \('or'\)/],
    ['(a or b', /expected '\)' at the end/],
    ['a or b)', /column 7 \('\)'\)/],
    ['a b', /column 3 \('b'\)/],
    ['()', /column 2/],
    ['not', /at the end/],
    ['0 of them', /positive number/],
    ['all of', /after 'of'/],
    ['all of and', /column 8/],
    ['a*', /invalid identifier/],
    ['a | count() > 5', /aggregation '\| count\(\) > 5' is Sigma v1/],
    ['a | near b', /Sigma v1/],
  ];
  it.each(cases)('%s', (condition, message) => {
    const error = rejection(condition);
    expect(error.construct).toBe('detection.condition');
    expect(error.reason).toMatch(message);
    expect(formatLoadError(error)).toContain('condition.yml');
  });

  it('an undefined identifier is named, with its position', () => {
    const error = rejection('a and missing');
    expect(error.construct).toBe('detection.condition');
    expect(error.reason).toMatch(/'missing'/);
    expect(error.reason).toMatch(/column 7/);
  });

  it('a pattern that matches no identifier is rejected, with its position', () => {
    const error = rejection('a or 1 of filter_*');
    expect(error.reason).toMatch(/1 of filter_\*/);
    expect(error.reason).toMatch(/column 6/);
  });

  it('`them` over only underscore identifiers matches nothing and is rejected', () => {
    expect(rejection('1 of them', ['_a', '_b']).reason).toMatch(/matches no search identifier/);
  });

  it('errors in a condition list name the failing entry', () => {
    expect(rejection(['a', 'b and']).construct).toBe('detection.condition[1]');
  });
});

type Expr = { op: 'id'; name: 'a' | 'b' | 'c' } | { op: 'of'; all: boolean } | { op: 'not'; arg: Expr } | { op: 'and' | 'or'; left: Expr; right: Expr };

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Expr>({ op: 'id', name: 'a' }, { op: 'id', name: 'b' }, { op: 'id', name: 'c' }, { op: 'of', all: true }, { op: 'of', all: false }),
    tie('e').map((arg): Expr => ({ op: 'not', arg })),
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('e'), tie('e')).map(([op, left, right]): Expr => ({ op, left, right })),
  ),
})).e;

const PRECEDENCE = { or: 1, and: 2, not: 3, id: 4, of: 4 };

/** Writes the expression with only the parentheses precedence requires, plus some redundant ones. */
function print(e: Expr, parent: number, redundant: boolean): string {
  const own = PRECEDENCE[e.op];
  const text =
    e.op === 'id' ? e.name : e.op === 'of' ? (e.all ? 'all of them' : '1 of them') : e.op === 'not' ? `not ${print(e.arg, own, !redundant)}`
      : `${print(e.left, own, !redundant)} ${e.op} ${print(e.right, own + 1, redundant)}`;
  return own < parent || (redundant && e.op !== 'id' && e.op !== 'of') ? `(${text})` : text;
}

function evaluate(e: Expr, x: { a: boolean; b: boolean; c: boolean }): boolean {
  switch (e.op) {
    case 'id': return x[e.name];
    case 'of': return e.all ? x.a && x.b && x.c : x.a || x.b || x.c;
    case 'not': return !evaluate(e.arg, x);
    case 'and': return evaluate(e.left, x) && evaluate(e.right, x);
    case 'or': return evaluate(e.left, x) || evaluate(e.right, x);
  }
}

describe('conditions agree with a reference evaluator (property)', () => {
  it('random expressions, printed with minimal parentheses', () => {
    fc.assert(
      fc.property(expr, fc.boolean(), (e, redundant) => {
        const condition = print(e, 0, redundant);
        const run = evaluator(condition);
        for (const x of combos) expect(run(x), `${condition} on ${JSON.stringify(x)}`).toBe(evaluate(e, x));
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
