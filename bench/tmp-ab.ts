import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
const lines = readFileSync('/work/main/bench/data/windows-ecs.ndjson', 'utf8').split('\n').filter(Boolean).slice(0, 20000);
const sigma = '/work/shared/sigma';
const rules = await readYamlSources(readdirSync(sigma).filter((d) => d.startsWith('rules')).map((d) => join(sigma, d)));
const e = createEngine({ rules, pipelines: await readPipelineSources(['windows-ecs']) });
const pre = lines.map((l) => JSON.parse(l));
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (const ev of pre) e.process(ev); const a = performance.now() - t;
  t = performance.now(); for (const l of lines) e.process(JSON.parse(l)); const b = performance.now() - t;
  t = performance.now(); for (const l of lines) JSON.parse(l); const c = performance.now() - t;
  console.log(`pre-parsed ${(a / lines.length * 1000).toFixed(1)}us  inline ${(b / lines.length * 1000).toFixed(1)}us  parse ${(c / lines.length * 1000).toFixed(1)}us`);
}
const idx = (e as any).index; idx.keywordScanner = undefined;
for (let r = 0; r < 2; r++) { const t = performance.now(); for (const ev of pre) e.process(ev); console.log('no keyword scan', ((performance.now() - t) / pre.length * 1000).toFixed(1)); }
idx.scanEvent = () => {};
for (let r = 0; r < 2; r++) { const t = performance.now(); for (const ev of pre) e.process(ev); console.log('no scans at all', ((performance.now() - t) / pre.length * 1000).toFixed(1)); }
delete idx.scanEvent; // back to prototype method
const scanners = [...idx.scanners.values()];
const realScans = scanners.map((s: any) => s.automaton.scan);
for (const s of scanners) s.automaton.scan = () => {};
for (let r = 0; r < 2; r++) { const t = performance.now(); for (const ev of pre) e.process(ev); console.log('walk + lowerStrings, no AC', ((performance.now() - t) / pre.length * 1000).toFixed(1)); }
scanners.forEach((s: any, i: number) => (s.automaton.scan = realScans[i]));
let chars = 0, calls = 0; for (const s of scanners) { const orig = s.automaton.scan.bind(s.automaton); s.automaton.scan = (t: string, h: any) => { chars += t.length; calls++; orig(t, h); }; }
for (const ev of pre) e.process(ev); console.log('chars/ev', chars / pre.length, 'scan calls/ev', calls / pre.length);
