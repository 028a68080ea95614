import { join } from 'node:path';
import { compareDiagnostics, type Diagnostic } from './diagnostic.ts';
import { duplicateIds, engineDiagnostics, testFileProblems, unknownRuleReferences } from './lint-package.ts';
import { lintRule } from './lint-rule.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { displayPath, loadPackage, packageName } from './package-loader.ts';
import { pipelineKnownFields } from './pipeline-fields.ts';
import { compareSemver, SOCLE_VERSION } from './version.ts';

export interface LintResult {
  package: string;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

/**
 * Checks a package: manifest, rule schemas, ids, tags, fields, conditions, test files, and what the engine rejects.
 * Per-rule checks are in lint-rule.ts, cross-rule ones in lint-package.ts.
 */
export async function lintPackage(dir: string): Promise<LintResult> {
  const pkg = await loadPackage(dir);
  const diagnostics = [...pkg.diagnostics];
  if (pkg.manifest && compareSemver(pkg.manifest.socle, SOCLE_VERSION) > 0) {
    diagnostics.push({
      severity: 'error', code: 'manifest', file: displayPath(join(pkg.dir, MANIFEST_FILE)), line: 1, column: 1,
      message: `the package needs Socle ${pkg.manifest.socle} but this is Socle ${SOCLE_VERSION}`,
      hint: 'upgrade Socle or lower "socle:" if the package does not use newer features',
    });
  }
  const knownFields = pipelineKnownFields(pkg.pipelineSources);
  for (const rule of pkg.rules) diagnostics.push(...lintRule(rule, knownFields));
  diagnostics.push(...duplicateIds(pkg.rules));
  diagnostics.push(...unknownRuleReferences(pkg.rules));
  diagnostics.push(...testFileProblems(pkg));
  diagnostics.push(...(await engineDiagnostics(pkg, diagnostics)));
  diagnostics.sort(compareDiagnostics);
  return {
    package: packageName(pkg),
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}

/** 0 clean, 1 errors (or warnings when strict). */
export function lintExitCode(result: LintResult, strict: boolean): number {
  return result.errors > 0 || (strict && result.warnings > 0) ? 1 : 0;
}
