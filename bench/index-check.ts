/**
 * Checks the rule index against plain evaluation of every loaded rule on the benchmark events: the prefilters
 * must never change what matches. Run after changing `rule-index.ts`, `rule-group.ts` or `prefilter/`:
 *   pnpm exec tsx bench/index-check.ts            (BENCH_LIMIT=20000 for a quicker pass)
 * Exits 1 and prints the first differences if any event's matches differ.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { SIGMA_DIR } from '../test/setup/sigma-corpus.ts';
import { RuleIndex, type IndexedRule } from '../packages/core/src/rule-index.ts';
import { applyPipelines, parsePipeline } from '../packages/core/src/pipeline/index.ts';
import { literalFilter } from '../packages/core/src/prefilter/literals.ts';
import { compileDetectionRule } from '../packages/core/src/sigma/compile.ts';
import { EventContext, FieldTable } from '../packages/core/src/sigma/context.ts';
import { parseSigmaYaml } from '../packages/core/src/sigma/parse.ts';

const root = new URL('..', import.meta.url).pathname;
const lines = readFileSync(join(root, 'bench/data/windows-ecs.ndjson'), 'utf8').split('\n').filter(Boolean).slice(0, Number(process.env.BENCH_LIMIT ?? Infinity));
const sources = await readYamlSources(readdirSync(SIGMA_DIR).filter((d) => d.startsWith('rules')).map((d) => join(SIGMA_DIR, d)));
const pipelines = (await readPipelineSources(['windows-ecs'])).map((p) => parsePipeline(p.text, p.file));

const fields = new FieldTable();
const env = { fields, placeholders: {} };
const rules: IndexedRule[] = [];
for (const source of sources) {
  for (const rule of parseSigmaYaml(source.text, source.file).rules) {
    if (rule.type !== 'detection') continue;
    const applied = applyPipelines(rule, pipelines);
    if ('notApplicable' in applied) continue;
    try {
      rules.push({ compiled: compileDetectionRule(applied.rule, env), filter: literalFilter(applied.rule, env) });
    } catch {
      // rejected rules are the engine's business, not this check's
    }
  }
}
const index = new RuleIndex(rules, fields);
const ctx = new EventContext(fields);
let differing = 0;
let matches = 0;
for (const line of lines) {
  const event = JSON.parse(line);
  const got = index.match(event).map((c) => c.rule.title);
  ctx.reset(event);
  const want = rules.filter((r) => r.compiled.match(ctx)).map((r) => r.compiled.rule.title);
  matches += want.length;
  if (got.join('\n') !== want.join('\n') && differing++ < 5) console.log(JSON.stringify({ index: got, plain: want, event: line.slice(0, 300) }));
}
console.log(`${lines.length} events, ${rules.length} rules, ${matches} matches, ${differing} events where the index differs; ${JSON.stringify(index.stats())}`);
process.exit(differing ? 1 : 0);
