import { createEngine, type RuleLoadError } from '@socle/core';
import { ParsedRulesFileCache } from './parsed-rules-file-cache.ts';
import type { TextSource } from './sources.ts';

/** Loads a package's rules into the engine and returns what it rejected (lint reports each one). */
export function engineRejections(pkg: { ruleSources: TextSource[]; pipelineSources: TextSource[] }): RuleLoadError[] {
  const parsedRulesCache = ParsedRulesFileCache.open(pkg.ruleSources.map((r) => r.file));
  const { rejected } = createEngine({ rules: pkg.ruleSources, pipelines: pkg.pipelineSources, parsedRulesCache });
  parsedRulesCache.save();
  return rejected;
}
