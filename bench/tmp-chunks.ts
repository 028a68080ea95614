import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
const lines = readFileSync('/work/main/bench/data/windows-ecs.ndjson', 'utf8').split('\n').filter(Boolean);
const sigma = '/work/shared/sigma';
const rules = await readYamlSources(readdirSync(sigma).filter((d) => d.startsWith('rules')).map((d) => join(sigma, d)));
const e = createEngine({ rules, pipelines: await readPipelineSources(['windows-ecs']) });
for (let c = 0; c < lines.length; c += 10000) {
  const t = performance.now(); let a = 0; for (const l of lines.slice(c, c + 10000)) a += e.process(JSON.parse(l)).length;
  const s = e.stats();
  console.log(c, ((performance.now() - t) / 10).toFixed(1), 'us/ev', 'alerts', a, 'corr', JSON.stringify(s.correlation).slice(0, 200), 'supp', JSON.stringify(s.suppression));
}
