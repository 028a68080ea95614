import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
const lines = readFileSync('/work/main/bench/data/windows-ecs.ndjson', 'utf8').split('\n').filter(Boolean);
const sigma = '/work/shared/sigma';
const rules = await readYamlSources(readdirSync(sigma).filter((d) => d.startsWith('rules')).map((d) => join(sigma, d)));
const e = createEngine({ rules, pipelines: await readPipelineSources(['windows-ecs']) });
for (let r = 0; r < 4; r++) {
  let t = performance.now(); for (const l of lines) JSON.parse(l); const tp = performance.now() - t;
  t = performance.now(); for (const l of lines) e.process(JSON.parse(l)); const te = performance.now() - t;
  console.log(`pass ${r}: parse ${(tp / lines.length * 1000).toFixed(2)}us, parse+engine ${(te / lines.length * 1000).toFixed(2)}us, ratio ${(tp / te).toFixed(2)}`, process.memoryUsage().heapUsed >> 20, 'MB');
}
