/**
 * Correlation throughput and memory per group key.
 *   pnpm exec tsx bench/correlation.ts            (add --expose-gc before the file for steadier heap numbers)
 * Scenario: an event_count rule (group-by source.ip, 1h, gte a threshold never reached) so every key stays
 * active; events cycle over N distinct keys (10k, 100k, 1M), event time advancing 1 ms per event.
 * Prints a Markdown table for docs/benchmarks.md.
 */
import { CorrelationEngine, compileCorrelationRule } from '../packages/core/src/correlation/index.ts';
import type { SigmaCorrelationRule } from '../packages/core/src/sigma/model.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const sizes = (process.env.BENCH_KEYS ?? '10000,100000,1000000').split(',').map(Number);

function rule(type: 'event_count' | 'value_count'): SigmaCorrelationRule {
  return {
    type: 'correlation',
    id: `bench-${type}`,
    title: `bench ${type}`,
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    related: [],
    custom: {},
    location: {},
    correlation: {
      type,
      rules: ['base'],
      'group-by': ['source.ip'],
      timespan: '1h',
      condition: type === 'value_count' ? { field: 'user.name', gte: 1_000_000 } : { gte: 1_000_000 },
    },
  };
}

const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const getField = (ev: Record<string, unknown>, name: string): unknown => ev[name];

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function run(type: 'event_count' | 'value_count', keys: number) {
  const compiled = compileCorrelationRule(rule(type), (ref) => (ref === 'base' ? { id: 'base' } : undefined));
  const engine = new CorrelationEngine([compiled], { maxKeysPerRule: keys });
  const ips = Array.from({ length: keys }, (_, i) => ip(i));
  const events = ips.map((a, i) => ({ 'source.ip': a, 'user.name': `user${i % 97}` }));
  const before = heapUsed();
  const t0 = performance.now();
  for (let i = 0; i < keys; i++) engine.onMatch({ ruleId: 'base', event: events[i]!, eventId: `e${i}`, time: i, getField });
  const firstPass = performance.now() - t0;
  const after = heapUsed();
  const active = engine.stats().rules[compiled.id]!.keys;
  // second pass: every key already exists (steady state)
  const t1 = performance.now();
  for (let i = 0; i < keys; i++) engine.onMatch({ ruleId: 'base', event: events[i]!, eventId: `f${i}`, time: keys + i, getField });
  const secondPass = performance.now() - t1;
  return {
    type,
    keys,
    active,
    newKeysPerSec: keys / (firstPass / 1000),
    existingKeysPerSec: keys / (secondPass / 1000),
    bytesPerKey: (after - before) / active,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`node ${process.version}, gc ${gc ? 'exposed' : 'not exposed (heap numbers are noisier)'}`);
console.log('| type | distinct keys | events/s (new keys) | events/s (existing keys) | heap bytes per active key (1 event each) |');
console.log('|---|---:|---:|---:|---:|');
run('event_count', 20_000); // warm-up: let the JIT compile the hot paths before measuring
run('value_count', 20_000);
for (const type of ['event_count', 'value_count'] as const) {
  for (const keys of sizes) {
    const r = run(type, keys);
    console.log(`| ${r.type} | ${fmt(r.keys)} | ${fmt(r.newKeysPerSec)} | ${fmt(r.existingKeysPerSec)} | ${fmt(r.bytesPerKey)} |`);
  }
}
