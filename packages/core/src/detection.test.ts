import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleIndex, type IndexedRule } from './detection.ts';
import type { SocleEvent } from './event.ts';
import { literalFilter } from './prefilter/literals.ts';
import { compileDetectionRule } from './sigma/compile.ts';
import { EventContext, FieldTable } from './sigma/context.ts';
import type { SigmaDetectionRule } from './sigma/model.ts';
import { parseSigmaYaml } from './sigma/parse.ts';
import { DEFAULT_MEMO_CHARS, memoBudget, type MemoBudget } from './value-memo.ts';

/** Compiles rules as the engine does: predicate, index key and necessary literals. */
function compileAll(texts: string[], memos?: MemoBudget): { rules: IndexedRule[]; fields: FieldTable } {
  const fields = new FieldTable();
  const env = { fields, placeholders: {}, memoBudget: memos };
  const rules = texts.map((text, i) => {
    const parsed = parseSigmaYaml(text, `rule${i}.yml`);
    expect(parsed.errors).toEqual([]);
    const rule = parsed.rules[0] as SigmaDetectionRule;
    return { compiled: compileDetectionRule(rule, env), filter: literalFilter(rule, env) };
  });
  return { rules, fields };
}

const rule = (title: string, detection: string) =>
  `title: ${title}\nlogsource: {product: test}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;

describe('RuleIndex', () => {
  const texts = [
    rule('by event id', 'sel:\n  EventID: 4688\n  Image|endswith: \\whoami.exe\ncondition: sel'),
    rule('keyword', 'kw:\n  - mimikatz\ncondition: kw'),
    rule('either id', 'a:\n  EventID: 1\nb:\n  EventID: [4688, 4689]\ncondition: a or b'),
    rule('negated', 'sel:\n  EventID: 4688\ncondition: not sel'),
  ];
  const { rules, fields } = compileAll(texts);
  const index = new RuleIndex(rules, fields);
  const titles = (event: SocleEvent) => index.match(event).map((r) => r.rule.title);

  it('finds every matching rule, in load order', () => {
    expect(titles({ EventID: 4688, Image: 'C:\\whoami.exe', Note: 'mimikatz' })).toEqual(['by event id', 'keyword', 'either id']);
    expect(titles({ EventID: '1' })).toEqual(['either id', 'negated']);
    expect(titles({ EventID: 4689 })).toEqual(['either id', 'negated']);
    expect(titles({})).toEqual(['negated']);
  });

  it('reports each rule once even when several values of an array field hit its index key', () => {
    expect(titles({ EventID: [4688, 4689, '4688'], Image: 'x\\whoami.exe' })).toEqual(['by event id', 'either id']);
  });

  it('tells apart values seen one after another, of equal length too, when it remembers what scans found', () => {
    const index = new RuleIndex(rules, fields);
    const seen: string[] = [];
    for (const image of ['C:\\whoamx.exe', 'C:\\whoami.exe', 'C:\\whoamx.exe', 'D:\\whoami.exe']) {
      for (const note of ['mimikat_', 'mimikatz', 'mimikatZ', 'mimikat_']) {
        seen.push(index.match({ EventID: 4688, Image: image, Note: note }).map((r) => r.rule.title).join());
      }
    }
    // The keyword rule follows the note, the whoami rule the image, whatever came before.
    const notes = (first: string) => [`${first}either id`, `${first}keyword,either id`, `${first}keyword,either id`, `${first}either id`];
    expect(seen).toEqual([...notes(''), ...notes('by event id,'), ...notes(''), ...notes('by event id,')]);
  });

  it('splits events by a field rules require, and reaches rules through the texts they need', () => {
    const stats = index.stats();
    expect(stats.rules).toBe(4);
    expect(stats.dispatchFields).toEqual(['EventID']);
    expect(stats.prefiltered).toBe(2);
  });

  it('builds one automaton for the kinds of events that look for the same texts in a field', () => {
    const { rules, fields } = compileAll([
      rule('any kind', 'sel:\n  Image|contains: evil\ncondition: sel'),
      rule('kind 1', 'sel:\n  EventID: 1\n  CommandLine|contains: foo\ncondition: sel'),
      rule('kind 2', 'sel:\n  EventID: 2\n  CommandLine|contains: bar\ncondition: sel'),
    ]);
    const index = new RuleIndex(rules, fields);
    const titles = (event: SocleEvent) => index.match(event).map((r) => r.rule.title);
    expect(titles({ EventID: 1, Image: 'evil.exe', CommandLine: 'foo bar' })).toEqual(['any kind', 'kind 1']);
    expect(titles({ EventID: 2, Image: 'EVIL.exe', CommandLine: 'foo bar' })).toEqual(['any kind', 'kind 2']);
    expect(titles({ EventID: 3, Image: 'evil.exe', CommandLine: 'foo bar' })).toEqual(['any kind']);
    // Three kinds, each scanning Image for 'evil': one automaton for it, one each for the two command lines.
    expect(index.stats()).toMatchObject({ groups: 3, automata: 3 });
  });
});

/** Random small rules over three fields, to check the index never changes what matches. */
const field = fc.constantFrom('A', 'B', 'c.d');
// Values with wildcards, regular expression syntax, and characters whose case folds unusually (long s, Kelvin
// sign, dotted capital I, an emoji) next to plain ones.
const value = fc.constantFrom('x', 'y', 'Z', '1', 'abcd', 'BCD', 'c\\d', 'a*cd', 'b?d', 'st', 'k', 'ix', '😀', 'x(yz)+');
const item = fc.tuple(field, fc.constantFrom('', '|contains', '|neq', '|startswith', '|endswith', '|cased', '|all', '|contains|all', '|re'), fc.array(value, { minLength: 1, maxLength: 2 }));
const map = fc.array(item, { minLength: 1, maxLength: 2 }).map((items) => {
  const seen = new Set<string>();
  return items
    .filter(([f, m]) => !seen.has(f + m) && seen.add(f + m))
    .map(([f, m, vs]) => `${f}${m}: [${vs.map((v) => `'${v}'`).join(', ')}]`);
});
const body = fc.oneof(
  map.map((lines) => lines.map((l) => `  ${l}`).join('\n')),
  fc.array(map, { minLength: 2, maxLength: 2 }).map((maps) => maps.map((lines) => lines.map((l, i) => `  ${i ? ' ' : '-'} ${l}`).join('\n')).join('\n')),
  // keywords, short (automaton only) and long (skip scan first)
  fc.constantFrom("  - 'x'", "  - 'y'\n  - 'z'"),
  fc.array(value, { minLength: 1, maxLength: 2 }).map((vs) => vs.map((v) => `  - '${v}'`).join('\n')),
);
const condition = fc.constantFrom('s1', 's2', 's1 and s2', 's1 or s2', 'not s1', 's1 and not s2', '1 of s*', 'all of s*', '(s1 or s2) and s3', 's3');
const ruleText = fc.tuple(body, body, body, condition, fc.nat(999)).map(
  ([a, b, c, cond, n]) => `title: r${n}\nlogsource: {product: test}\ndetection:\n  s1:\n${a.replace(/^/gm, '  ')}\n  s2:\n${b.replace(/^/gm, '  ')}\n  s3:\n${c.replace(/^/gm, '  ')}\n  condition: ${cond}\n`,
);
const eventValue = fc.oneof(
  value,
  fc.constantFrom('X', 'y x', 'zz', 'xABCDx', 'abcde', 'bcd abcd', 'C\\D', 'ſT', 'K', 'İX', 'a😀cd', 'xyzyz', 'AxCD', 4, true),
  fc.array(value, { maxLength: 2 }),
);
// E: a field no rule names, where only keywords are looked for.
const event = fc.record({ A: eventValue, B: eventValue, c: fc.record({ d: eventValue }, { requiredKeys: [] }), E: eventValue }, { requiredKeys: [] });

describe('RuleIndex (index keys and literal prefilter) finds exactly the rules whose predicate holds (property)', () => {
  it('on random rules and events, with scan memos of any size (none, a few values, the default)', () => {
    fc.assert(
      fc.property(
        fc.array(ruleText, { minLength: 1, maxLength: 6 }),
        fc.array(event, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 100, DEFAULT_MEMO_CHARS),
        (texts, events, scanMemoChars) => {
          const memos = memoBudget(scanMemoChars);
          const { rules, fields } = compileAll(texts, memos);
          const index = new RuleIndex(rules, fields, { memoBudget: memos });
          const ctx = new EventContext(fields);
          // Twice, copies the second time (as each parse makes new strings): remembered scans must agree.
          for (const e of [...events, ...events.map((x) => structuredClone(x))]) {
            const expected = rules.map((r) => r.compiled).filter((r) => r.match(ctx.reset(e)));
            expect(index.match(e)).toEqual(expected);
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe('windash through the prefilter', () => {
  const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
  const texts = [
    rule('start wait', "sel:\n  CommandLine|windash|contains: 'start/b /wait'\ncondition: sel"),
    rule('certutil', "sel:\n  CommandLine|windash|contains: [' -urlcache ', ' -verifyctl ']\ncondition: sel"),
    rule('encoded', "sel:\n  CommandLine|windash|base64offset|contains: ' -nop '\ncondition: sel"),
    rule('other', "sel:\n  CommandLine|contains: 'unrelated'\ncondition: sel"),
  ];
  const { rules, fields } = compileAll(texts);
  const index = new RuleIndex(rules, fields);
  const titles = (CommandLine: string) => index.match({ CommandLine }).map((r) => r.rule.title);

  it('every dash variant, wherever the dash stands, reaches and matches the rule', () => {
    expect(rules.slice(0, 2).every((r) => r.filter)).toBe(true);
    for (const a of DASHES) {
      for (const b of DASHES) expect(titles(`cmd.exe /c start${a}b ${b}wait x.exe`), `${a} ${b}`).toEqual(['start wait']);
      expect(titles(`certutil ${a}urlcache ${a}f http://x`)).toEqual(['certutil']);
      const encoded = Buffer.from(`powershell ${a}nop x`, 'utf8').toString('base64');
      expect(titles(`powershell -enc ${encoded}`)).toEqual(['encoded']);
    }
    expect(titles('cmd.exe /c start+b /wait x.exe')).toEqual([]);
  });
});
