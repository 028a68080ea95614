import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { describe, expect, it } from 'vitest';
import { ParsedRulesFileCache, socleCacheDir } from './parsed-rules-file-cache.ts';

const rule = (title: string) => `title: ${title}\nlogsource: {category: test}\ndetection:\n  sel: {a: ${title}}\n  condition: sel\n`;
const sources = (titles: string[]) => titles.map((t) => ({ file: `/rules/${t}.yml`, text: rule(t) }));

/** Loads the sources through a file cache in `dir` and says how many texts were parsed (missed the cache). */
function load(dir: string, titles: string[]) {
  const rules = sources(titles);
  const cache = ParsedRulesFileCache.open(rules.map((r) => r.file), dir);
  let parsed = 0;
  const counting = { get: (k: string) => cache.get(k), set: (k: string, e: string) => (parsed++, cache.set(k, e)) };
  const engine = createEngine({ rules, parsedRulesCache: counting });
  cache.save();
  return { parsed, loaded: engine.loaded.map((r) => r.title) };
}

describe('ParsedRulesFileCache', () => {
  it('parses only the rules that changed since the last load of the same rule files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socle-cache-'));
    expect(load(dir, ['a', 'b', 'c'])).toEqual({ parsed: 3, loaded: ['a', 'b', 'c'] });
    expect(load(dir, ['a', 'b', 'c'])).toEqual({ parsed: 0, loaded: ['a', 'b', 'c'] });
    const rules = sources(['a', 'b', 'c']);
    rules[1].text = rule('b2');
    const cache = ParsedRulesFileCache.open(rules.map((r) => r.file), dir);
    let parsed = 0;
    const engine = createEngine({ rules, parsedRulesCache: { get: (k) => cache.get(k), set: (k, e) => (parsed++, cache.set(k, e)) } });
    expect(parsed).toBe(1);
    expect(engine.loaded.map((r) => r.title)).toEqual(['a', 'b2', 'c']);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('saves itself after the load that used it, when asked to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socle-cache-'));
    const rules = sources(['a', 'b']);
    createEngine({ rules, parsedRulesCache: ParsedRulesFileCache.open(rules.map((r) => r.file), dir, { saveAfterLoad: true }) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(load(dir, ['a', 'b']).parsed).toBe(0);
  });

  it('never fails a load when the cache cannot be written or read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'socle-cache-')), 'a-file');
    writeFileSync(file, 'not a folder');
    expect(load(join(file, 'cache'), ['a'])).toEqual({ parsed: 1, loaded: ['a'] });
    const dir = mkdtempSync(join(tmpdir(), 'socle-cache-'));
    load(dir, ['a']);
    writeFileSync(join(dir, readdirSync(dir)[0]), 'garbage\nkey\t{broken');
    expect(load(dir, ['a'])).toEqual({ parsed: 1, loaded: ['a'] });
  });

  it('lives where SOCLE_CACHE_DIR or XDG_CACHE_HOME say, and nowhere when SOCLE_CACHE_DIR is off', () => {
    expect(socleCacheDir({ SOCLE_CACHE_DIR: '/c' })).toBe('/c');
    expect(socleCacheDir({ SOCLE_CACHE_DIR: 'off' })).toBeUndefined();
    expect(socleCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'socle'));
  });
});
