import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from './run-config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, text);
  return file;
}

describe('loadRunConfig', () => {
  it('fills defaults and resolves paths from the config file’s folder', async () => {
    const file = await configFile(
      ['dataDir: data', 'inputs:', '  - type: file', '    organization: acme', '    format: auth', '    paths: [logs/auth.log]', 'rules: [my-rules]', 'pipelines: [linux-ecs, ./custom.yml]'].join('\n'),
    );
    const c = await loadRunConfig(file);
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.inputs[0]).toMatchObject({ type: 'file', paths: [join(dir, 'logs/auth.log')], startAt: 'beginning' });
    expect(c.rules).toEqual([join(dir, 'my-rules')]);
    expect(c.pipelines).toEqual(['linux-ecs', join(dir, 'custom.yml')]);
    expect(c.api.listen).toBe('127.0.0.1:9280');
    expect(c.bus).toEqual({ capacity: 10_000, batchSize: 500 });
  });

  it('names the file, line and key path of each problem', async () => {
    const file = await configFile(
      ['dataDir: data', 'inputs:', '  - type: stdin', '    organization: acme', '    format: klingon', 'api:', '    listen: localhost'].join('\n'),
    );
    const err = await loadRunConfig(file).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain(`${file}:5:13: inputs.0.format: not a collector format`);
    expect(message).toContain(`${file}:7:13: api.listen: expected host:port`);
  });

  it('reports a missing key at its parent and an unknown key by name', async () => {
    const file = await configFile(['inputs:', '  - type: stdin', '    format: json', '    organisation: acme'].join('\n'));
    const message = ((await loadRunConfig(file).catch((e: Error) => e)) as Error).message;
    expect(message).toMatch(/dataDir: /);
    expect(message).toMatch(/inputs\.0\.organization: /);
    expect(message).toMatch(/organisation/);
  });

  it('reports YAML syntax errors with their line', async () => {
    const file = await configFile('dataDir: data\ninputs: [\n');
    await expect(loadRunConfig(file)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('says when the file cannot be read', async () => {
    await expect(loadRunConfig(join(dir, 'nope.yml'))).rejects.toThrow(/nope\.yml: cannot read/);
  });
});
