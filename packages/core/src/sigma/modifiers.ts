/**
 * Compiles one detection item (`field|mod1|mod2: values`) into a predicate over an event context.
 * Transformation modifiers (contains, base64, windash, ...) rewrite the values in the order written;
 * type modifiers (re, cidr, gt, exists, fieldref, hour, ...) choose how values are compared.
 */
import type { EventContext, FieldTable } from './context.ts';
import { rememberVerdicts, type MemoBudget } from '../value-memo.ts';
import { SigmaRuleError } from './errors.ts';
import { anyPattern } from './any-pattern.ts';
import { cidrContains, parseAddress, parseCidr, type Cidr } from './ip.ts';
import { compileRegex, REGEX_FLAGS as RE_FLAG } from './regex.ts';
import type { DetectionItem, SigmaScalar } from './model.ts';
import {
  ANY,
  expandChoices,
  hasWildcards,
  lowerParts,
  normalize,
  parseSigmaString,
  plainText,
  type PatternPart,
  type StringTest,
} from './pattern.ts';

export type Predicate = (ctx: EventContext) => boolean;

export interface CompileEnv {
  fields: FieldTable;
  placeholders: Record<string, string[]>;
  /** What the verdict memos of regular expressions and address ranges draw on; none: every value is tested anew. */
  memoBudget?: MemoBudget;
}

const TRANSFORMS = new Set(['contains', 'startswith', 'endswith', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 'expand']);
const REGEX_FLAGS: Record<string, number> = {
  i: RE_FLAG.i,
  ignorecase: RE_FLAG.i,
  m: RE_FLAG.m,
  multiline: RE_FLAG.m,
  s: RE_FLAG.s,
  dotall: RE_FLAG.s,
};
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const FLAGS = new Set(['all', 'neq', 'cased']);
const KNOWN = new Set([...TRANSFORMS, ...Object.keys(REGEX_FLAGS), ...COMPARE, ...TIME_PARTS, ...FLAGS, 're', 'cidr', 'exists', 'fieldref']);

/** Literal strings an item needs to see in the event (lower-cased), for prefilters; undefined if none can be named. */
export interface ItemInfo {
  predicate: Predicate;
  /** The field's slot (or -1 for keyword searches). */
  slot: number;
  /** For plain case-insensitive equality items: the values (lower-cased) one of which the field must equal. */
  equals?: string[];
  negated: boolean;
}

export function compileItem(item: DetectionItem, env: CompileEnv, construct: string): ItemInfo {
  const mods = item.modifiers.map((m) => m.toLowerCase());
  for (const m of mods) if (!KNOWN.has(m)) throw new SigmaRuleError(construct, `unknown modifier '${m}'`);
  const has = (m: string) => mods.includes(m);
  const negated = has('neq');
  const all = has('all');
  const slot = item.field === null ? -1 : env.fields.slot(item.field);
  const core = compileValues(item, mods, env, construct, slot, all);
  const predicate = negated ? (ctx: EventContext) => !core.predicate(ctx) : core.predicate;
  return { predicate, slot, equals: negated ? undefined : core.equals, negated };
}

function compileValues(
  item: DetectionItem,
  mods: string[],
  env: CompileEnv,
  construct: string,
  slot: number,
  all: boolean,
): { predicate: Predicate; equals?: string[] } {
  const has = (m: string) => mods.includes(m);
  const typeMods = mods.filter((m) => !FLAGS.has(m) && !TRANSFORMS.has(m) && !(m in REGEX_FLAGS));
  if (typeMods.length > 1) {
    throw new SigmaRuleError(construct, `modifiers '${typeMods.join("' and '")}' cannot be combined`);
  }
  const type = typeMods[0];
  // Type modifiers other than re and fieldref compare the value as written: no transformation may precede them.
  if (type && type !== 're' && type !== 'fieldref') {
    const transform = mods.find((m) => TRANSFORMS.has(m));
    if (transform) throw new SigmaRuleError(construct, `'${transform}' cannot be combined with '${type}', which takes the value as written`);
  }
  const values = item.values;
  const combine = (tests: Predicate[]): Predicate => {
    if (tests.length === 1) return tests[0];
    return all ? (ctx) => tests.every((t) => t(ctx)) : (ctx) => tests.some((t) => t(ctx));
  };

  if (type === 'exists') {
    if (slot < 0) throw new SigmaRuleError(construct, "'exists' needs a field");
    if (values.length !== 1 || typeof values[0] !== 'boolean') throw new SigmaRuleError(construct, "'exists' takes true or false");
    const other = mods.find((m) => m !== 'exists' && m !== 'neq');
    if (other) throw new SigmaRuleError(construct, `'exists' cannot be combined with '${other}'`);
    const want = values[0];
    return { predicate: (ctx) => (ctx.raw(slot) !== undefined) === want };
  }
  if (type === 're') {
    if (mods.indexOf('re') !== 0 && !mods.slice(0, mods.indexOf('re')).every((m) => FLAGS.has(m))) {
      throw new SigmaRuleError(construct, "'re' must come before other value modifiers");
    }
    let flags = 0;
    for (const m of mods) if (m in REGEX_FLAGS) flags |= REGEX_FLAGS[m];
    for (const m of mods) {
      if (TRANSFORMS.has(m) && m !== 'contains' && m !== 'startswith' && m !== 'endswith') {
        throw new SigmaRuleError(construct, `'${m}' cannot be applied to a regular expression`);
      }
    }
    if (has('cased')) throw new SigmaRuleError(construct, "'cased' does not apply to regular expressions (they are case-sensitive unless '|i')");
    const tests = values.map((v) => {
      if (typeof v !== 'string') throw new SigmaRuleError(construct, 'a regular expression must be a string');
      // An expression matches anywhere in the value; startswith/endswith pin it to the start/end (contains changes nothing).
      const test = compileRegex(v, flags, construct, env.memoBudget, { start: has('startswith'), end: has('endswith') });
      return anyString(slot, test, true);
    });
    return { predicate: combine(tests) };
  }
  if (Object.keys(REGEX_FLAGS).some((f) => has(f))) {
    throw new SigmaRuleError(construct, "regular expression flags (i, m, s) need the 're' modifier");
  }
  if (type === 'cidr') {
    if (slot < 0) throw new SigmaRuleError(construct, "'cidr' needs a field");
    const ranges = values.map((v) => {
      const c = typeof v === 'string' ? parseCidr(v) : undefined;
      if (!c) throw new SigmaRuleError(construct, `'${String(v)}' is not an IPv4 or IPv6 CIDR range`);
      return c;
    });
    // A value's address is parsed once for all ranges of the item (for each with `all`), and verdicts remembered.
    const inRanges = (cs: Cidr[]) =>
      rememberVerdicts((s) => {
        const a = parseAddress(s);
        return a !== undefined && cs.some((c) => cidrContains(c, a));
      }, env.memoBudget);
    const tests = all ? ranges.map((c) => anyString(slot, inRanges([c]), true)) : [anyString(slot, inRanges(ranges), true)];
    return { predicate: combine(tests) };
  }
  if (type && COMPARE.has(type)) {
    if (slot < 0) throw new SigmaRuleError(construct, `'${type}' needs a field`);
    const tests = values.map((v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? decimal(v) : NaN;
      if (Number.isNaN(n)) throw new SigmaRuleError(construct, `'${type}' needs a number, not '${String(v)}'`);
      const cmp = compareFn(type, n);
      return (ctx: EventContext) => ctx.strings(slot).some((s) => {
        const x = decimal(s);
        return !Number.isNaN(x) && cmp(x);
      });
    });
    return { predicate: combine(tests) };
  }
  if (type && TIME_PARTS.has(type)) {
    if (slot < 0) throw new SigmaRuleError(construct, `'${type}' needs a field`);
    const tests = values.map((v) => {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isInteger(n)) throw new SigmaRuleError(construct, `'${type}' needs an integer, not '${String(v)}'`);
      return (ctx: EventContext) => ctx.strings(slot).some((s) => timePart(type, s) === n);
    });
    return { predicate: combine(tests) };
  }

  // String values: plain, wildcards, transformations, optionally compared with another field.
  const cased = has('cased');
  const transforms = mods.filter((m) => TRANSFORMS.has(m));
  const nullChecks: Predicate[] = [];
  const expanded: PatternPart[][][] = [];
  for (const v of values) {
    if (v === null) {
      if (transforms.length || type) throw new SigmaRuleError(construct, 'null cannot be combined with value modifiers');
      if (slot < 0) throw new SigmaRuleError(construct, 'null is not a keyword');
      nullChecks.push((ctx) => {
        const r = ctx.raw(slot);
        return r === undefined || r === null;
      });
      continue;
    }
    expanded.push(transformValue(v, transforms, env, construct, slot < 0));
  }

  if (type === 'fieldref') {
    if (slot < 0) throw new SigmaRuleError(construct, "'fieldref' needs a field");
    const transform = transforms.find((m) => m !== 'contains' && m !== 'startswith' && m !== 'endswith');
    if (transform) throw new SigmaRuleError(construct, `'fieldref' names a field; '${transform}' cannot be applied to it`);
    for (const v of values) {
      if (v !== null && hasWildcards(parseSigmaString(String(v)))) {
        throw new SigmaRuleError(construct, `'fieldref' needs a field name without wildcards, not '${String(v)}'`);
      }
    }
    const tests = expanded.map((alternatives) => {
      const parts = alternatives[0];
      const other = env.fields.slot(plainText(parts.filter((p) => p !== ANY)));
      const starts = parts[0] === ANY;
      const ends = parts[parts.length - 1] === ANY;
      const rel: (a: string, b: string) => boolean =
        starts && ends ? (a, b) => a.includes(b) : starts ? (a, b) => a.endsWith(b) : ends ? (a, b) => a.startsWith(b) : (a, b) => a === b;
      return (ctx: EventContext) => {
        const mine = cased ? ctx.strings(slot) : ctx.lowerStrings(slot);
        const theirs = cased ? ctx.strings(other) : ctx.lowerStrings(other);
        for (let i = 0; i < mine.length; i++) for (let j = 0; j < theirs.length; j++) if (rel(mine[i], theirs[j])) return true;
        return false;
      };
    });
    return { predicate: combine(tests) };
  }

  let equals: string[] | undefined = [];
  const tests: Predicate[] = [...nullChecks];
  if (nullChecks.length) equals = undefined;
  // Per value, its alternative patterns (base64offset and expand give several).
  const perValue: PatternPart[][][] = [];
  for (const alternatives of expanded) {
    const patterns = alternatives.map((parts) => (cased ? parts : lowerParts(parts)));
    for (const p of patterns) {
      if (equals && !cased && slot >= 0 && !hasWildcards(p)) equals.push(plainText(p));
      else equals = undefined;
    }
    perValue.push(patterns);
  }
  equals = all || !equals?.length ? undefined : equals;
  // Any of several values of one field: one read of the field, each of its strings tried against every value.
  if (!all && slot >= 0 && !nullChecks.length) return { predicate: anyString(slot, anyPattern(perValue.flat()), cased), equals };
  for (const patterns of perValue) tests.push(anyString(slot, anyPattern(patterns), cased));
  return { predicate: combine(tests), equals };
}

function anyString(slot: number, test: StringTest, cased: boolean): Predicate {
  if (slot < 0) return keywordTest(test, cased);
  if (cased) return (ctx) => ctx.strings(slot).some(test);
  return (ctx) => {
    const values = ctx.lowerStrings(slot);
    for (let i = 0; i < values.length; i++) if (test(values[i])) return true;
    return false;
  };
}

function keywordTest(test: StringTest, cased: boolean): Predicate {
  return cased ? (ctx) => ctx.keywordStringsCased().some(test) : (ctx) => ctx.keywordStrings().some(test);
}

/**
 * Applies transformation modifiers in order to one value; the result is one or more alternative patterns
 * (base64offset and expand give several).
 */
export function transformValue(
  v: Exclude<SigmaScalar, null>,
  transforms: string[],
  env: CompileEnv,
  construct: string,
  keyword: boolean,
): PatternPart[][] {
  const raw = typeof v === 'string' ? v : String(v);
  let alternatives = transforms.includes('expand') ? expandPlaceholders(raw, env, construct) : [parseSigmaString(raw)];
  let utf16Applied = false;
  for (const m of transforms) {
    switch (m) {
      case 'contains':
        alternatives = alternatives.map((p) => normalize([ANY, ...p, ANY]));
        break;
      case 'startswith':
        alternatives = alternatives.map((p) => normalize([...p, ANY]));
        break;
      case 'endswith':
        alternatives = alternatives.map((p) => normalize([ANY, ...p]));
        break;
      case 'windash':
        alternatives = alternatives.map(windash);
        break;
      case 'wide':
      case 'utf16le':
      case 'utf16be':
      case 'utf16':
        utf16Applied = true;
        alternatives = alternatives.flatMap((p) => spelledOut(p, m, construct)).map((p) => utf16(p, m));
        break;
      case 'base64':
      case 'base64offset':
        alternatives = alternatives.flatMap((p) => spelledOut(p, m, construct)).flatMap((p) => {
          if (hasWildcards(p)) throw new SigmaRuleError(construct, `'${m}' cannot encode a value with wildcards`);
          const bytes = bytesToEncode(plainText(p), utf16Applied);
          // A one-byte value has no stable characters at one of the offsets: that empty variant would match anything.
          const encoded = m === 'base64' ? [base64(bytes)] : base64Offsets(bytes).filter((x) => x !== '');
          return encoded.map((x) => [x] as PatternPart[]);
        });
        break;
    }
  }
  // A keyword is searched for inside the event's values, like a full-text search.
  return keyword ? alternatives.map((p) => normalize([ANY, ...p, ANY])) : alternatives;
}

/**
 * `expand`: each `%name%` is replaced by each configured value (the variants are OR-ed). `\%` is a plain
 * percent sign, as the specification says; `\\` stays an escaped backslash, so `\\%name%` is a
 * backslash followed by the placeholder.
 */
function expandPlaceholders(raw: string, env: CompileEnv, construct: string): PatternPart[][] {
  const segments: Array<string | { name: string }> = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && (raw[i + 1] === '\\' || raw[i + 1] === '%')) {
      lit += raw[i + 1] === '%' ? '%' : '\\\\';
      i++;
      continue;
    }
    const m = c === '%' ? PLACEHOLDER.exec(raw.slice(i)) : null;
    if (m) {
      segments.push(lit, { name: m[1] });
      lit = '';
      i += m[0].length - 1;
      continue;
    }
    lit += c;
  }
  segments.push(lit);
  let variants = [''];
  for (const segment of segments) {
    if (typeof segment === 'string') {
      variants = variants.map((v) => v + segment);
      continue;
    }
    const values = env.placeholders[segment.name];
    if (!values || !values.length) {
      throw new SigmaRuleError(construct, `placeholder %${segment.name}% has no values configured (set it in the pipeline's placeholders or the engine options)`);
    }
    variants = variants.flatMap((v) => values.map((x) => v + x));
  }
  return variants.map((v) => parseSigmaString(v));
}

const PLACEHOLDER = /^%([A-Za-z0-9_.-]+)%/;

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/**
 * `windash`: every `-`, `/`, en dash, em dash and horizontal bar of the value, wherever it stands, may be any of
 * the five (the specification's "all possible permutations"; pySigma expands only a `-` or `/` that starts a
 * word after a non-word position, so `start/b` would miss `start-b`).
 */
function windash(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    let lit = '';
    for (const c of p) {
      if (DASHES.includes(c)) {
        if (lit) out.push(lit);
        lit = '';
        out.push({ anyOf: DASHES });
      } else {
        lit += c;
      }
    }
    if (lit) out.push(lit);
  }
  return out;
}

/** Dashes an encoding may spell out in one value: 5^3 = 125 texts to encode. */
const MAX_ENCODED_CHOICES = 3;

/** The plain texts of a pattern with `windash` choices, for an encoding; too many choices reject the rule. */
function spelledOut(parts: PatternPart[], modifier: string, construct: string): PatternPart[][] {
  const choices = parts.filter((p) => typeof p === 'object').length;
  if (choices > MAX_ENCODED_CHOICES) {
    throw new SigmaRuleError(construct, `'windash' before '${modifier}' spells out at most ${MAX_ENCODED_CHOICES} dashes in one value (5 texts each); split the value`);
  }
  return expandChoices(parts);
}

/** Encodes literal text as UTF-16 code units, one character per byte (so base64 can encode it next). */
function utf16(parts: PatternPart[], m: string): PatternPart[] {
  const enc = (s: string) => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      const lo = String.fromCharCode(code & 0xff);
      const hi = String.fromCharCode(code >> 8);
      out += m === 'utf16be' ? hi + lo : lo + hi;
    }
    return out;
  };
  const body = parts.map((p) => (typeof p === 'string' ? enc(p) : p));
  return m === 'utf16' ? normalize(['\ufeff', ...body]) : body;
}

/**
 * The bytes the base64 modifiers encode: the UTF-8 text, or after a utf16 modifier the bytes it produced
 * (the byte order mark U+FEFF that `utf16` prepends becomes FF FE, as in pySigma).
 */
function bytesToEncode(text: string, afterUtf16: boolean): Uint8Array {
  if (!afterUtf16) return new TextEncoder().encode(text);
  const bom = text.startsWith('\ufeff');
  const out: number[] = bom ? [0xff, 0xfe] : [];
  for (let i = bom ? 1 : 0; i < text.length; i++) out.push(text.charCodeAt(i));
  return Uint8Array.from(out);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += B64[b0 >> 2] + B64[((b0 & 3) << 4) | (b1 >> 4)];
    out += i + 1 < bytes.length ? B64[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += i + 2 < bytes.length ? B64[b2 & 63] : '=';
  }
  return out;
}

/** The three shifted encodings of a value inside a larger base64 text, with the unstable edges cut off (as pySigma). */
export function base64Offsets(bytes: Uint8Array): string[] {
  const start = [0, 2, 3];
  const end = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    out.push(base64(padded).slice(start[i], end[(bytes.length + i) % 3]));
  }
  return out;
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A decimal number written as text; NaN for anything else (hex, `Infinity`, empty), unlike `Number()`. */
function decimal(s: string): number {
  return DECIMAL.test(s) ? Number(s) : NaN;
}

function compareFn(op: string, n: number): (x: number) => boolean {
  switch (op) {
    case 'lt':
      return (x) => x < n;
    case 'lte':
      return (x) => x <= n;
    case 'gt':
      return (x) => x > n;
    default:
      return (x) => x >= n;
  }
}

/** An ISO 8601 date-time without a zone; JavaScript would read it in the local zone, Sigma takes it as written (UTC). */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Extracts a UTC date part from an ISO 8601 string or epoch milliseconds; NaN when the value is no date. */
export function timePart(part: string, value: string): number {
  const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value)) : new Date(LOCAL_DATE_TIME.test(value) ? value.replace(' ', 'T') + 'Z' : value);
  const t = d.getTime();
  if (Number.isNaN(t)) return NaN;
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    default: {
      // ISO 8601 week number.
      const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const dow = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - dow);
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      return Math.ceil(((day.getTime() - yearStart) / 86400000 + 1) / 7);
    }
  }
}
