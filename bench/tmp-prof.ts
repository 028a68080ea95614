import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
const lines = readFileSync('/work/main/bench/data/windows-ecs.ndjson', 'utf8').split('\n').filter(Boolean).slice(0, 60000);
const sigma = '/work/shared/sigma';
const rules = await readYamlSources(readdirSync(sigma).filter((d) => d.startsWith('rules')).map((d) => join(sigma, d)));
const e = createEngine({ rules, pipelines: await readPipelineSources(['windows-ecs']) });
const events = lines.map((l) => JSON.parse(l));
const t = performance.now();
for (let r = 0; r < 1; r++) for (const ev of events) e.process(ev);
console.log('us/ev', ((performance.now() - t) / events.length / 4 * 1000).toFixed(2), JSON.stringify(e.stats().rules));
const idx = (e as any).index;
let passed = 0; const litHits = new Map<number, number>();
const origFound = idx.found.bind(idx);
idx.found = (l: number) => { litHits.set(l, (litHits.get(l) ?? 0) + 1); origFound(l); };
for (const ev of events.slice(0, 10000)) { idx.match(ev); passed += idx.passed.length; }
console.log('passed/ev', passed / 10000);
// literal texts with most rules * hits
const texts: string[] = []; for (const [slot, sc] of idx.scanners) {}
const lr = idx.literalRules;
const top = [...litHits.entries()].map(([l, h]) => [l, h, lr[l].length, h * lr[l].length]).sort((a, b) => b[3] - a[3]).slice(0, 15);
console.log(top);
