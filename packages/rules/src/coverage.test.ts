import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatCoverageTable, navigatorLayer, packageCoverage } from './coverage.ts';

const baseline = fileURLToPath(new URL('../packs/socle-baseline', import.meta.url));

describe('coverage of socle-baseline', () => {
  it('lists the ATT&CK techniques of the rule tags, with the rules behind each', async () => {
    const result = await packageCoverage(baseline);
    const ids = result.techniques.map((t) => t.technique);
    expect(ids).toEqual(expect.arrayContaining(['T1110.001', 'T1110.003', 'T1003.001', 'T1046', 'T1486', 'T1190', 'T1070.001', 'T1048']));
    expect(ids).toEqual([...ids].sort());
    const lsass = result.techniques.find((t) => t.technique === 'T1003.001')!;
    expect(lsass.rules.map((r) => r.title)).toEqual(['LSASS Memory Access', 'LSASS Dump With A Living-Off-The-Land Tool']);
    expect(result.untagged).toEqual([]);
    expect(formatCoverageTable(result)).toMatch(/^T1003\.001\s+2\s+LSASS Memory Access; LSASS Dump/m);
  });

  it('writes a Navigator 4.5 enterprise layer scored by rule count', async () => {
    const result = await packageCoverage(baseline);
    const layer = navigatorLayer(result) as { versions: { layer: string }; domain: string; techniques: { techniqueID: string; score: number }[] };
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.techniques.find((t) => t.techniqueID === 'T1003.001')?.score).toBe(2);
    expect(layer.techniques).toHaveLength(result.techniques.length);
  });
});
