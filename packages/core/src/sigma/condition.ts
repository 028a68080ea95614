/**
 * The Sigma condition grammar, from least to most binding: `or`, `and`, `not`, `x of`, parentheses.
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' expr ')' | quantity 'of' (them | pattern) | identifier
 *   quantity:= 'all' | 'any' | integer
 */
import { SigmaRuleError } from './errors.ts';

export type ConditionNode =
  | { op: 'and' | 'or'; args: ConditionNode[] }
  | { op: 'not'; arg: ConditionNode }
  | { op: 'id'; name: string; pos?: number }
  | { op: 'of'; count: number | 'all'; pattern: string; pos?: number };

type Token = { kind: 'word' | 'lparen' | 'rparen'; text: string; pos: number };

function tokenize(condition: string, construct: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\()|(\))|([^\s()]+))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < condition.length) {
    const pos = re.lastIndex;
    m = re.exec(condition);
    if (!m) break;
    if (m[1]) tokens.push({ kind: 'lparen', text: '(', pos });
    else if (m[2]) tokens.push({ kind: 'rparen', text: ')', pos });
    else if (m[3]) {
      if (m[3].includes('|')) {
        throw new SigmaRuleError(construct, `aggregation '${condition.slice(condition.indexOf('|')).trim()}' is Sigma v1; use a correlation rule`);
      }
      tokens.push({ kind: 'word', text: m[3], pos: pos + m[0].indexOf(m[3]) });
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);
const IDENTIFIER = /^[\w*.\-]+$/;

export function parseCondition(condition: string, construct = 'detection.condition'): ConditionNode {
  const tokens = tokenize(condition, construct);
  let i = 0;
  const fail = (what: string): never => {
    const t = tokens[i];
    const at = t ? `at column ${t.pos + 1} ('${t.text}')` : 'at the end';
    throw new SigmaRuleError(construct, `condition '${condition}': ${what} ${at}`);
  };
  const peekWord = (w: string) => tokens[i]?.kind === 'word' && tokens[i].text.toLowerCase() === w;

  const parseOr = (): ConditionNode => {
    const args = [parseAnd()];
    while (peekWord('or')) {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const parseAnd = (): ConditionNode => {
    const args = [parseNot()];
    while (peekWord('and')) {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const parseNot = (): ConditionNode => {
    if (peekWord('not')) {
      i++;
      return { op: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = tokens[i];
    if (!t) return fail('expected an identifier, "x of", "not" or "("');
    if (t.kind === 'lparen') {
      i++;
      const inner = parseOr();
      if (tokens[i]?.kind !== 'rparen') fail("expected ')'");
      i++;
      return inner;
    }
    if (t.kind === 'rparen') return fail('unexpected )');
    const word = t.text.toLowerCase();
    const next = tokens[i + 1];
    if (next?.kind === 'word' && next.text.toLowerCase() === 'of') {
      let count: number | 'all';
      if (word === 'all') count = 'all';
      else if (word === 'any') count = 1;
      else if (/^\d+$/.test(word) && Number(word) > 0) count = Number(word);
      else return fail("expected 'all', 'any' or a positive number before 'of'");
      i += 2;
      const target = tokens[i];
      if (!target || target.kind !== 'word') return fail("expected 'them' or an identifier pattern after 'of'");
      if (KEYWORDS.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them') fail('expected a pattern');
      if (!IDENTIFIER.test(target.text)) fail('invalid identifier pattern');
      i++;
      return { op: 'of', count, pattern: target.text.toLowerCase() === 'them' ? 'them' : target.text, pos: t.pos };
    }
    if (KEYWORDS.has(word)) return fail(`unexpected '${t.text}'`);
    if (!IDENTIFIER.test(t.text) || t.text.includes('*')) return fail('invalid identifier');
    i++;
    return { op: 'id', name: t.text, pos: t.pos };
  };

  const node = parseOr();
  if (i < tokens.length) fail('unexpected token');
  return node;
}
