import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPackage } from './package-loader.ts';
import { testFileSchema } from './test-format.ts';
import { ruleTechniques } from './attack-tags.ts';

const baseline = fileURLToPath(new URL('../packs/socle-baseline', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the socle-baseline pack', () => {
  it('has at least 40 rules of its own: UUIDs, author Socle, an open licence, ATT&CK techniques', async () => {
    const pkg = await loadPackage(baseline);
    expect(pkg.rules.length).toBeGreaterThanOrEqual(40);
    for (const r of pkg.rules) {
      expect(r.id, r.title).toMatch(UUID);
      expect(r.value.author, r.title).toBe('Socle');
      expect(['Apache-2.0', 'DRL-1.1'], r.title).toContain(r.value.license);
      expect(ruleTechniques(r.value).length, r.title).toBeGreaterThan(0);
    }
    const types = pkg.rules.map((r) => (r.value.correlation as { type?: string } | undefined)?.type).filter(Boolean);
    expect(new Set(types)).toEqual(new Set(['event_count', 'value_count', 'temporal_ordered', 'value_sum']));
    const absences = pkg.rules.filter((r) => / and not /.test(String((r.value.correlation as { condition?: unknown } | undefined)?.condition)));
    expect(absences.length).toBeGreaterThanOrEqual(2);
  });

  it('tests every rule with at least one positive and one negative expectation', async () => {
    const pkg = await loadPackage(baseline);
    const idOf = new Map<string, string>();
    for (const r of pkg.rules) for (const alias of [r.id, r.name, r.title]) if (alias) idOf.set(alias, r.id!);
    const positive = new Set<string>();
    const negative = new Set<string>();
    for (const src of pkg.testSources) {
      const file = testFileSchema.parse(parse(src.text));
      for (const c of file.cases)
        for (const e of c.expect) {
          const id = idOf.get(e.rule ?? file.rule ?? '');
          expect(id, `${src.file}: ${c.name}`).toBeDefined();
          ((e.count ?? 1) > 0 ? positive : negative).add(id!);
        }
    }
    const untested = pkg.rules.filter((r) => !positive.has(r.id!) || !negative.has(r.id!)).map((r) => r.title);
    expect(untested).toEqual([]);
  });
});
