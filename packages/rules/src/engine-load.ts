import { createEngine, type RuleLoadError } from '@socle/core';
import type { TextSource } from './sources.ts';

/** Loads a package's rules into the engine and returns what it rejected (lint reports each one). */
export function engineRejections(pkg: { ruleSources: TextSource[]; pipelineSources: TextSource[] }): RuleLoadError[] {
  return createEngine({ rules: pkg.ruleSources, pipelines: pkg.pipelineSources }).rejected;
}
