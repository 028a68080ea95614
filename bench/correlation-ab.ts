/**
 * Correlation time of two versions of @socle/core in one process, for changes too small for bench/correlation.ts
 * to tell apart on a shared machine:
 *   pnpm exec tsx --expose-gc bench/correlation-ab.ts [--base <git rev>] [--turns N]
 * Base is packages/core/src at that revision (default HEAD), head the working tree. Each turn builds an engine with
 * one rule (event_count or value_count, group-by source.ip, 1 h, a threshold never reached), opens 50,000 groups
 * of three organisations, then times 150,000 matches on them in CPU time; the two sides alternate which goes first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { base: { type: 'string', default: 'HEAD' }, turns: { type: 'string', default: '20' } } });
const turns = Number(args.turns);
if (!Number.isInteger(turns) || turns < 2) throw new Error(`--turns: a whole number, at least 2, not '${args.turns}'`);
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'socle-corr-ab-'));
execFileSync('sh', ['-c', `git -C "$0" archive "$1" packages/core/src | tar -x -C "$2"`, root, args.base!, work]);
symlinkSync(join(root, 'packages/core/node_modules'), join(work, 'packages/core/node_modules'));

type Lib = typeof import('../packages/core/src/correlation/index.ts');
const base = (await import(join(work, 'packages/core/src/correlation/index.ts'))) as Lib;
const head = (await import('../packages/core/src/correlation/index.ts')) as Lib;
const gc = (globalThis as { gc?: () => void }).gc;

const KEYS = 50_000;
const events = Array.from({ length: KEYS }, (_, i) => ({ 'source.ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'user.name': `user${i % 97}` }));
const orgs = Array.from({ length: KEYS }, (_, i) => `org-${i % 3}`);
const getField = (ev: Record<string, unknown>, name: string): unknown => ev[name];

function turn(lib: Lib, type: 'event_count' | 'value_count'): number {
  const condition = type === 'value_count' ? { field: 'user.name', gte: 1e9 } : { gte: 1e9 };
  const rule = { type: 'correlation', id: 'ab', title: 'ab', references: [], tags: [], falsepositives: [], fields: [], related: [], custom: {}, location: {}, correlation: { type, rules: ['base'], 'group-by': ['source.ip'], timespan: '1h', condition } };
  const engine = new lib.CorrelationEngine([lib.compileCorrelationRule(rule as never, (r) => (r === 'base' ? { id: 'base' } : undefined))], { maxKeysPerRule: KEYS });
  for (let i = 0; i < KEYS; i++) engine.onMatch({ ruleId: 'base', event: events[i]!, eventId: `e${i}`, time: i, organization: orgs[i], getField });
  gc?.();
  const t0 = process.cpuUsage();
  for (let r = 1; r <= 3; r++) for (let i = 0; i < KEYS; i++) engine.onMatch({ ruleId: 'base', event: events[i]!, eventId: `f${r}-${i}`, time: KEYS * r + i, organization: orgs[i], getField });
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`base ${args.base}, head working tree, ${turns} turns each, CPU ms per 150,000 matches on existing groups (median)`);
for (const type of ['event_count', 'value_count'] as const) {
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < turns; k++) {
    if (k % 2) {
      a.push(turn(base, type));
      b.push(turn(head, type));
    } else {
      b.push(turn(head, type));
      a.push(turn(base, type));
    }
  }
  console.log(`${type}: base ${median(a).toFixed(1)}, head ${median(b).toFixed(1)}, head/base ${(median(b) / median(a)).toFixed(3)}`);
}
rmSync(work, { recursive: true, force: true });
