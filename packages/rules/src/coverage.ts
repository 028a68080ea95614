import { SIGMA_LEVELS } from '@socle/core';
import { ruleTechniques } from './attack-tags.ts';
import { loadPackage, packageName } from './package-loader.ts';

export interface TechniqueCoverage {
  technique: string;
  rules: { id?: string; title?: string; level?: string }[];
}

export interface CoverageResult {
  package: string;
  techniques: TechniqueCoverage[];
  /** Detection and correlation rules without an ATT&CK technique tag. */
  untagged: { id?: string; title?: string; file: string }[];
}

/** ATT&CK techniques covered by a package, from its rules' `attack.tXXXX` tags. */
export async function packageCoverage(dir: string): Promise<CoverageResult> {
  const pkg = await loadPackage(dir);
  const byTechnique = new Map<string, TechniqueCoverage['rules']>();
  const untagged: CoverageResult['untagged'] = [];
  for (const r of pkg.rules) {
    if (r.kind === 'filter') continue;
    const techniques = ruleTechniques(r.value);
    if (techniques.length === 0) untagged.push({ id: r.id, title: r.title, file: r.file });
    const level = typeof r.value.level === 'string' ? r.value.level : undefined;
    for (const t of techniques) byTechnique.set(t, [...(byTechnique.get(t) ?? []), { id: r.id, title: r.title, level }]);
  }
  const techniques = [...byTechnique.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([technique, rules]) => ({ technique, rules }));
  return { package: packageName(pkg), techniques, untagged };
}

export function formatCoverageTable(result: CoverageResult): string {
  const width = Math.max(9, ...result.techniques.map((t) => t.technique.length));
  const lines = [`${'technique'.padEnd(width)}  rules  titles`];
  for (const t of result.techniques)
    lines.push(`${t.technique.padEnd(width)}  ${String(t.rules.length).padStart(5)}  ${t.rules.map((r) => r.title ?? r.id).join('; ')}`);
  lines.push(`${result.techniques.length} technique(s) covered; ${result.untagged.length} rule(s) without an ATT&CK technique tag`);
  return lines.join('\n');
}

/** 1 (informational) to 5 (critical); 0 for a level Sigma does not have. */
const levelScore = (level: string): number => (SIGMA_LEVELS as readonly string[]).indexOf(level) + 1;

/** An ATT&CK Navigator layer (format 4.5, enterprise-attack); score = number of rules. */
export function navigatorLayer(result: CoverageResult): Record<string, unknown> {
  const max = Math.max(1, ...result.techniques.map((t) => t.rules.length));
  return {
    name: `${result.package} coverage`,
    versions: { layer: '4.5', navigator: '4.9.1', attack: '15' },
    domain: 'enterprise-attack',
    description: `ATT&CK techniques covered by the Socle detection package ${result.package}`,
    sorting: 3,
    hideDisabled: false,
    techniques: result.techniques.map((t) => ({
      techniqueID: t.technique,
      score: t.rules.length,
      enabled: true,
      showSubtechniques: false,
      comment: t.rules.map((r) => r.title ?? r.id).join('\n'),
      metadata: t.rules.map((r) => ({ name: r.title ?? 'rule', value: `${r.id ?? ''} ${r.level ? `(${r.level}, ${levelScore(r.level)}/5)` : ''}`.trim() })),
    })),
    gradient: { colors: ['#ffe766', '#ff6666'], minValue: 0, maxValue: max },
    legendItems: [],
    showTacticRowBackground: false,
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
  };
}
