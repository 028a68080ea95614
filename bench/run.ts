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
const dataName = 'bench/data/windows-ecs.ndjson';
const dataFile = join(root, dataName);
const count = Number(process.env.BENCH_EVENTS ?? 120_000);

if (!existsSync(dataFile)) {
  execFileSync('pnpm', ['exec', 'tsx', join(root, 'bench/data/make-windows-events.ts'), '--count', String(count), '--out', dataFile], { stdio: 'inherit' });
}
const limit = Number(process.env.BENCH_LIMIT ?? Infinity);
const lines = readFileSync(dataFile, 'utf8').split('\n').filter(Boolean).slice(0, limit);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** Collects garbage between cases when run with --expose-gc (as `pnpm bench` does), so no case pays for another's. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Lines per turn: each case and a bare parse of the same lines take turns, so both meet the same machine load. */
const CHUNK = 2_000;

interface Measured {
  /** Lines per second through `each`. */
  rate: number;
  /** Bare JSON.parse time over `each` time, measured in turns with it. */
  ratio: number;
}

/** Runs `each` on every line (with its index) `rounds` times, in turns with a bare parse of the same chunk. */
function measure(each: (line: string, index: number) => void): Measured {
  collect();
  lines.forEach(each); // warm-up
  let spent = 0;
  let parse = 0;
  for (let r = 0; r < rounds; r++) {
    for (let start = 0; start < lines.length; start += CHUNK) {
      const end = Math.min(lines.length, start + CHUNK);
      // Which goes first alternates, so that neither always finds the chunk's lines in the cache.
      for (const parseTurn of (start / CHUNK + r) % 2 ? [true, false] : [false, true]) {
        const t0 = performance.now();
        if (parseTurn) for (let i = start; i < end; i++) JSON.parse(lines[i]);
        else for (let i = start; i < end; i++) each(lines[i], i);
        const t = performance.now() - t0;
        if (parseTurn) parse += t;
        else spent += t;
      }
    }
  }
  return { rate: (lines.length * rounds) / (spent / 1000), ratio: parse / spent };
}

const bare = measure((l) => JSON.parse(l));

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
const walk = measure((l) => {
  sink ^= visit(JSON.parse(l), false);
});
const read = measure((l) => {
  sink ^= visit(JSON.parse(l), true);
});

const ruleDirs = readdirSync(SIGMA_DIR).filter((d) => d.startsWith('rules')).map((d) => join(SIGMA_DIR, d));
const allRules = await readYamlSources(ruleDirs);
const pipelines = await readPipelineSources(['windows-ecs']);
const windowsRules = allRules.filter((r) => r.file.includes('/windows/'));
const pick = (n: number) => windowsRules.filter((r) => r.file.includes('process_creation')).slice(0, n);

const results: { name: string; loaded: number; measured: Measured; prefiltered: number; other: number; alerts: number }[] = [];
// Each event goes in with its reference (file and line), as `socle detect` and the service give theirs. The last
// two cases: events without one (the engine then hashes an alerting event's content for its id), and every value
// scanned as if never seen before (the rate on a stream where nothing repeats).
const cases: [string, typeof allRules, { scanMemoChars?: number; noRef?: boolean }?][] = [
  ['1 rule', pick(1)],
  ['100 rules', pick(100)],
  ['all SigmaHQ rules', allRules],
  ['all SigmaHQ rules, events without a reference', allRules, { noRef: true }],
  ['all SigmaHQ rules, no scan memo (`scanMemoChars: 0`)', allRules, { scanMemoChars: 0 }],
];
for (const [name, rules, { scanMemoChars, noRef } = {}] of cases) {
  const engine = createEngine({ rules, pipelines, placeholders: {}, scanMemoChars });
  let alerts = 0;
  const measured = noRef
    ? measure((l) => {
        alerts += engine.process(JSON.parse(l)).length;
      })
    : measure((l, i) => {
        alerts += engine.process(JSON.parse(l), { id: `${dataName}:${i + 1}` }).length;
      });
  const s = engine.stats().rules;
  results.push({ name, loaded: engine.loaded.length, measured, prefiltered: s.prefiltered, other: s.rules - s.prefiltered, alerts: alerts / (rounds + 1) });
}

if (sink === -1) console.log(sink);
const row = (name: string, loaded: string, m: Measured, rest: string) =>
  console.log(`| ${name} | ${loaded} | ${Math.round(m.rate).toLocaleString('en')} | ${m.ratio.toFixed(2)} | ${rest} |`);
console.log(`Events: ${lines.length} (${dataName}), pipeline windows-ecs, ${rounds} rounds after a warm-up, each in turns of ${CHUNK.toLocaleString('en')} lines with a bare parse of the same lines, Node ${process.version}.\n`);
console.log(`| case | rules loaded | events/s (parse + detect) | ratio to bare JSON.parse | prefiltered/other rules | alerts per pass |`);
console.log(`|---|---|---|---|---|---|`);
row('bare JSON.parse', '-', bare, '- | -');
row('parse + visit every value (no rules)', '-', walk, '- | -');
row('parse + read every character of every value (no rules)', '-', read, '- | -');
for (const x of results) row(x.name, String(x.loaded), x.measured, `${x.prefiltered}/${x.other} | ${x.alerts}`);
