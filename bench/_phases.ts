import { applyPipelines, createEngine, parsePipeline, parseSigmaYaml, type ParsedRulesCache, type SigmaDetectionRule } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
const cpu = (f: () => unknown) => { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); return Math.round((u.user + u.system) / 1000); };
let t = process.cpuUsage();
const src = await readYamlSources(['/work/shared/sigma/rules/windows']);
const pipeSrc = await readPipelineSources(['windows-ecs']);
let u = process.cpuUsage(t); console.log('read files', Math.round((u.user + u.system) / 1000));
for (let round = 0; round < 2; round++) {
  let parsed: SigmaDetectionRule[] = [];
  console.log('parse', cpu(() => { parsed = src.flatMap((s) => parseSigmaYaml(s.text, s.file).rules).filter((r): r is SigmaDetectionRule => r.type === 'detection'); }));
  const pipelines = pipeSrc.map((p) => parsePipeline(p.text, p.file));
  console.log('apply', cpu(() => parsed.map((r) => applyPipelines(r, pipelines))));
  console.log('createEngine (all)', cpu(() => createEngine({ rules: src, pipelines: pipeSrc })));
  const m = new Map<string, string>(); const cache: ParsedRulesCache = { get: (k) => m.get(k), set: (k, v) => void m.set(k, v) };
  createEngine({ rules: src, pipelines: pipeSrc, parsedRulesCache: cache });
  let e: any;
  console.log('createEngine (parse cached)', cpu(() => (e = createEngine({ rules: src, pipelines: pipeSrc, parsedRulesCache: cache }))));
  console.log('fingerprints (snapshot)', cpu(() => e.snapshot()));
}
