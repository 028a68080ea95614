/**
 * Parses kept between loads must be the parses themselves: every rule of the SigmaHQ corpus reads back equal to
 * its parse (Maps, absent keys and errors included), and an engine loaded through a cache loads, rejects,
 * fingerprints and detects exactly as one that parsed everything.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SIGMA_DIR } from '../../../../test/setup/sigma-corpus.ts';
import { createEngine, type TextSource } from '../engine.ts';
import { parseSigmaYaml } from './parse.ts';
import { decodeParsedRules, encodeParsedRules, parsedRulesKey, parseSigmaYamlCached, type ParsedRulesCache } from './parsed-rules-cache.ts';

const WINDOWS = join(SIGMA_DIR, 'rules', 'windows');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yml') ? [join(dir, e.name)] : []));
}

class MemoryCache implements ParsedRulesCache {
  readonly entries = new Map<string, string>();
  gets = 0;
  hits = 0;
  get(key: string) {
    this.gets++;
    const e = this.entries.get(key);
    if (e !== undefined) this.hits++;
    return e;
  }
  set(key: string, entry: string) {
    this.entries.set(key, entry);
  }
}

const MIXED = `title: one
id: 11111111-1111-4111-8111-111111111111
name: one
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\\\whoami.exe', CommandLine|contains|all: [a, b]}
  condition: sel
---
title: two
correlation: {type: event_count, rules: [one], group-by: [User], timespan: 5m, condition: {gte: 3}}
---
title: broken
detection: {condition: nope}
---
: [
`;

describe('parsed rules cache', () => {
  it('reads back each parse equal to the parse, errors included', () => {
    const parsed = parseSigmaYaml(MIXED, 'mixed.yml');
    expect(parsed.rules.length).toBe(2);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(decodeParsedRules(encodeParsedRules(parsed))).toStrictEqual(parsed);
  });

  it('keys on the text and the file, and parses again when an entry is damaged', () => {
    expect(parsedRulesKey(MIXED, 'a.yml')).not.toBe(parsedRulesKey(MIXED, 'b.yml'));
    expect(parsedRulesKey(MIXED, 'a.yml')).not.toBe(parsedRulesKey(`${MIXED} `, 'a.yml'));
    const cache = new MemoryCache();
    cache.set(parsedRulesKey(MIXED, 'a.yml'), '{not json');
    expect(parseSigmaYamlCached(MIXED, 'a.yml', cache)).toStrictEqual(parseSigmaYaml(MIXED, 'a.yml'));
    expect(decodeParsedRules(cache.entries.get(parsedRulesKey(MIXED, 'a.yml'))!)).toStrictEqual(parseSigmaYaml(MIXED, 'a.yml'));
  });

  it.skipIf(!existsSync(WINDOWS))('reads back every SigmaHQ Windows rule equal to its parse', () => {
    const unequal = yamlFiles(WINDOWS).filter((file) => {
      const parsed = parseSigmaYaml(readFileSync(file, 'utf8'), file);
      return !isDeepStrictEqual(decodeParsedRules(encodeParsedRules(parsed)), parsed);
    });
    expect(unequal).toEqual([]);
  });

  it.skipIf(!existsSync(WINDOWS))('loads an engine from a cache as from the texts: same rules, rejections, fingerprints and alerts', () => {
    const rules: TextSource[] = yamlFiles(join(WINDOWS, 'process_creation')).slice(0, 300).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    rules.push({ file: 'mixed.yml', text: MIXED });
    const cache = new MemoryCache();
    const plain = createEngine({ rules });
    const first = createEngine({ rules, parsedRulesCache: cache });
    const second = createEngine({ rules, parsedRulesCache: cache });
    expect(cache.hits).toBe(rules.length);
    const event = { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv', ParentImage: 'C:\\Windows\\System32\\cmd.exe' };
    for (const engine of [first, second]) {
      expect(engine.loaded).toStrictEqual(plain.loaded);
      expect(engine.rejected).toStrictEqual(plain.rejected);
      expect(new TextDecoder().decode(engine.snapshot())).toBe(new TextDecoder().decode(plain.snapshot()));
      expect(engine.process(event).map((a) => a.rule.id)).toEqual(plain.process(event).map((a) => a.rule.id));
    }
  });
});
