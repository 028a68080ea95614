import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './cli-run.test-helper.ts';
import { registerConfig } from './config.ts';

const deployDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../deploy');
const dir = mkdtempSync(join(tmpdir(), 'socle-config-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('socle config check', () => {
  it('accepts the shipped deploy/config/socle.yaml, in token mode with its audit log and triage store', async () => {
    const result = await runCli(registerConfig, ['config', 'check', join(deployDir, 'config/socle.yaml')]);
    expect(result.stderr).toMatch(/socle\.yaml: valid/);
    expect(result.code).toBe(0);
    const effective = parse(result.stdout);
    expect(effective.api).toEqual({
      listen: '0.0.0.0:8080',
      tokens: '/var/lib/socle/tokens.json',
      audit: '/var/lib/socle/access-audit.ndjson',
      allowedHosts: [],
    });
    expect(effective.kafka.topics.events).toEqual(['socle.events']);
    expect(effective.elasticsearch.triageIndex).toBe('socle-triage');
  });

  it('checks a socle run configuration too: the shipped deploy/config/run.yaml, paths resolved from its folder', async () => {
    const result = await runCli(registerConfig, ['config', 'check', join(deployDir, 'config/run.yaml')]);
    expect(result.stderr).toMatch(/run\.yaml: valid socle run configuration/);
    expect(result.code).toBe(0);
    const effective = parse(result.stdout);
    expect(effective.api).toEqual({ listen: '127.0.0.1:9280', console: true, allowedHosts: [] });
    expect(effective.alerts).toEqual({ includeEvent: true, maxOriginalChars: 8192 });
    expect(effective.dataDir).toBe(resolve(deployDir, '..', '.socle/run-data'));
    writeFileSync(join(dir, 'bad-run.yaml'), 'dataDir: x\ninputs: []\n');
    expect(await runCli(registerConfig, ['config', 'check', join(dir, 'bad-run.yaml')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/bad-run\.yaml.*inputs/) });
    writeFileSync(join(dir, 'neither.yaml'), 'a: 1\n');
    expect(await runCli(registerConfig, ['config', 'check', join(dir, 'neither.yaml')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/neither a `socle run` configuration/) });
  });

  it('accepts the socle.yaml of the Kubernetes ConfigMap', async () => {
    const configMap = parse(readFileSync(join(deployDir, 'kubernetes/socle-config.yaml'), 'utf8'));
    const file = join(dir, 'socle.yaml');
    writeFileSync(file, configMap.data['socle.yaml']);
    const result = await runCli(registerConfig, ['config', 'check', file]);
    expect(result.stderr).toMatch(/valid/);
    expect(result.code).toBe(0);
    expect(parse(result.stdout).api.tokens).toBe('/etc/socle-tokens/tokens.json');
  });

  it('refuses an API on a public address without a token store, and a token store without an audit log', async () => {
    const file = join(dir, 'open.yaml');
    const base = 'kafka: {brokers: [k:9092], topics: {events: [e]}}\nelasticsearch: {url: http://es:9200}\nrules: [r/]\n';
    writeFileSync(file, `${base}api: {listen: 0.0.0.0:8080}\n`);
    const open = await runCli(registerConfig, ['config', 'check', file]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/open\.yaml:4:\d+: api\.listen: without a token store \(api\.tokens\) the alert API only listens on a loopback address/);
    writeFileSync(file, `${base}api: {listen: 0.0.0.0:8080, tokens: tokens.json}\n`);
    const unaudited = await runCli(registerConfig, ['config', 'check', file]);
    expect(unaudited.code).toBe(2);
    expect(unaudited.stderr).toMatch(/api\.audit: a token store needs an access audit log/);
  });
});
