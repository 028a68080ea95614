/**
 * Detection throughput on realistic Windows events, next to bare JSON.parse of the same lines in the same run.
 *   pnpm bench            (generates bench/data/windows-ecs.ndjson on first use)
 * Prints a Markdown table for docs/benchmarks.md.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { SIGMA_DIR } from '../test/setup/sigma-corpus.ts';

const root = new URL('..', import.meta.url).pathname;
const dataFile = join(root, 'bench/data/windows-ecs.ndjson');
const count = Number(process.env.BENCH_EVENTS ?? 120_000);

if (!existsSync(dataFile)) {
  execFileSync('pnpm', ['exec', 'tsx', join(root, 'bench/data/make-windows-events.ts'), '--count', String(count), '--out', dataFile], { stdio: 'inherit' });
}
const limit = Number(process.env.BENCH_LIMIT ?? Infinity);
const lines = readFileSync(dataFile, 'utf8').split('\n').filter(Boolean).slice(0, limit);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** Collects garbage between cases when run with --expose-gc (as `pnpm bench` does), so no case pays for another's. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

function rate(fn: () => void): number {
  collect();
  fn(); // warm-up
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, lines.length / s);
  }
  return best;
}

const bareParse = () => {
  for (const l of lines) JSON.parse(l);
};
let parseRate = rate(bareParse);

// Reference points for what any detection must at least do when a rule searches every value (Sigma keywords,
// e.g. "Mimikatz Use" on every Windows event): visit every value, and read every character of it.
let sink = 0;
function visit(node: unknown, read: boolean): number {
  let sum = 0;
  if (typeof node === 'string') {
    if (read) for (let i = 0; i < node.length; i++) sum = (sum + node.charCodeAt(i)) | 0;
  } else if (node !== null && typeof node === 'object') {
    for (const k in node as Record<string, unknown>) sum = (sum + visit((node as Record<string, unknown>)[k], read)) | 0;
  }
  return sum;
}
const walkRate = rate(() => {
  for (const l of lines) sink ^= visit(JSON.parse(l), false);
});
const readRate = rate(() => {
  for (const l of lines) sink ^= visit(JSON.parse(l), true);
});

const ruleDirs = readdirSync(SIGMA_DIR).filter((d) => d.startsWith('rules')).map((d) => join(SIGMA_DIR, d));
const allRules = await readYamlSources(ruleDirs);
const pipelines = await readPipelineSources(['windows-ecs']);
const windowsRules = allRules.filter((r) => r.file.includes('/windows/'));
const pick = (n: number) => windowsRules.filter((r) => r.file.includes('process_creation')).slice(0, n);

const results: { name: string; loaded: number; rate: number; prefiltered: number; other: number; alerts: number }[] = [];
// The last case scans every value as if never seen before: the rate on a stream where nothing repeats.
const cases: [string, typeof allRules, number?][] = [
  ['1 rule', pick(1)],
  ['100 rules', pick(100)],
  ['all SigmaHQ rules', allRules],
  ['all SigmaHQ rules, no scan memo (`scanMemoChars: 0`)', allRules, 0],
];
for (const [name, rules, scanMemoChars] of cases) {
  const engine = createEngine({ rules, pipelines, placeholders: {}, scanMemoChars });
  let alerts = 0;
  const r = rate(() => {
    for (const l of lines) alerts += engine.process(JSON.parse(l)).length;
  });
  const s = engine.stats().rules;
  results.push({ name, loaded: engine.loaded.length, rate: r, prefiltered: s.prefiltered, other: s.rules - s.prefiltered, alerts: alerts / (rounds + 1) });
}

// Measured again after the engine runs, so both sides see the same warmed-up process; the better rate counts.
parseRate = Math.max(parseRate, rate(bareParse));
if (sink === -1) console.log(sink);
console.log(`Events: ${lines.length} (bench/data/windows-ecs.ndjson), pipeline windows-ecs, best of ${rounds} rounds after a warm-up, Node ${process.version}.\n`);
console.log(`| case | rules loaded | events/s (parse + detect) | ratio to bare JSON.parse | prefiltered/other rules | alerts per pass |`);
console.log(`|---|---|---|---|---|---|`);
console.log(`| bare JSON.parse | - | ${Math.round(parseRate).toLocaleString('en')} | 1.00 | - | - |`);
console.log(`| parse + visit every value (no rules) | - | ${Math.round(walkRate).toLocaleString('en')} | ${(walkRate / parseRate).toFixed(2)} | - | - |`);
console.log(`| parse + read every character of every value (no rules) | - | ${Math.round(readRate).toLocaleString('en')} | ${(readRate / parseRate).toFixed(2)} | - | - |`);
for (const x of results) {
  console.log(`| ${x.name} | ${x.loaded} | ${Math.round(x.rate).toLocaleString('en')} | ${(x.rate / parseRate).toFixed(2)} | ${x.prefiltered}/${x.other} | ${x.alerts} |`);
}
