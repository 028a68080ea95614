import { readdirSync, readFileSync } from 'node:fs';
import { createEngine } from '@socle/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain JavaScript build script, without declarations
import { pipelineTextsModule } from '../../../scripts/generate-pipelines.mjs';
import { SHIPPED_PIPELINES, readPipelineSources } from './sources.ts';
import { shippedPipeline, shippedPipelineNames, shippedPipelines } from './shipped-pipelines.ts';

describe('@socle/rules/pipelines', () => {
  it('is current with pipelines/*.yml (else run `node scripts/build.mjs`)', () => {
    const generated = readFileSync(new URL('./shipped-pipeline-texts.ts', import.meta.url), 'utf8');
    expect(generated).toBe((pipelineTextsModule as (dir: string) => string)(SHIPPED_PIPELINES));
  });

  it('has the names the CLI takes, with the same texts', async () => {
    const files = readdirSync(SHIPPED_PIPELINES).filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, ''));
    expect([...shippedPipelineNames].sort()).toEqual(files.sort());
    expect(shippedPipelineNames).toContain('windows-ecs');
    const fromFiles = await readPipelineSources([...shippedPipelineNames]);
    expect(shippedPipelines(shippedPipelineNames).map((p) => p.text)).toEqual(fromFiles.map((s) => s.text));
  });

  it('loads into the engine by name', () => {
    const rule = `title: whoami\nid: 5a6c1a8e-8d0b-4f5a-9d0e-1f2a3b4c5d6e\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '\\\\whoami.exe'}\n  condition: sel\n`;
    const engine = createEngine({ rules: [{ text: rule, file: 'whoami.yml' }], pipelines: shippedPipelines(['windows-ecs']) });
    expect(engine.rejected).toEqual([]);
    const alerts = engine.process({ winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1 }, process: { executable: 'C:\\Windows\\System32\\whoami.exe' } });
    expect(alerts.map((a) => a.rule.id)).toEqual(['5a6c1a8e-8d0b-4f5a-9d0e-1f2a3b4c5d6e']);
  });

  it('names the shipped pipelines when a name is unknown', () => {
    expect(() => shippedPipeline('windows')).toThrow(/pipeline 'windows': not a shipped pipeline \(shipped: .*windows-ecs/);
    expect(() => shippedPipeline('constructor')).toThrow(/not a shipped pipeline/);
  });
});
