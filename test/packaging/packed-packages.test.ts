/**
 * The packages as a user gets them: `pnpm pack` of the built @socle/core and @socle/rules, installed from the
 * tarballs into a scratch project outside the workspace, then used from plain Node ESM and CommonJS, from a
 * TypeScript project with `moduleResolution` `nodenext` and `bundler`, and from a browser bundle; and the
 * `socle` binary installed with `npm install -g` of the CLI folder, on a PATH of its own.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const TSC = requireFromRoot.resolve('typescript/bin/tsc');
const ESBUILD = join(ROOT, 'node_modules', '.bin', 'esbuild');

const RULE_ID = '5a6c1a8e-8d0b-4f5a-9d0e-1f2a3b4c5d6e';
const RULE = `title: whoami\nid: ${RULE_ID}\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '\\\\whoami.exe'}\n  condition: sel\n`;
const EVENT = { winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1 }, process: { executable: 'C:\\Windows\\System32\\whoami.exe' } };

// Without the workspace's `--conditions=@socle/source` (vitest.config.ts): the scratch project sees what users see.
const env = { ...process.env, NODE_OPTIONS: '' };

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env, timeout: 300_000, ...options });
  const out = `${String(r.stdout ?? '')}${String(r.stderr ?? '')}`;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(r.status ?? r.signal)}:\n${out}`);
  return String(r.stdout ?? '');
}

const scratch = mkdtempSync(join(tmpdir(), 'socle-packaging-'));
const tarballs = join(scratch, 'tarballs');
const project = join(scratch, 'consumer');
const tarball = (name: string) => join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(`socle-${name}-`))!);
const listing = (file: string) => run('tar', ['-tzf', file]).split('\n').filter(Boolean);

const USE_ENGINE = `const engine = createEngine({ rules: [{ text: ${JSON.stringify(RULE)}, file: 'whoami.yml' }], pipelines: shippedPipelines(['windows-ecs']) });
const alerts = engine.process(${JSON.stringify(EVENT)});
`;

beforeAll(() => {
  run(process.execPath, [join(ROOT, 'scripts/build.mjs')]);
  mkdirSync(tarballs);
  for (const pkg of ['core', 'rules']) run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', pkg) });
  mkdirSync(project);
  const core = `file:${tarball('core')}`;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { '@socle/core': core, '@socle/rules': `file:${tarball('rules')}` }, pnpm: { overrides: { '@socle/core': core } } }),
  );
  run('pnpm', ['install', '--prefer-offline', '--ignore-workspace', '--config.confirmModulesPurge=false'], { cwd: project });
});

describe('packed @socle/core and @socle/rules', () => {
  it('ship built JavaScript, declarations and source maps, not the tests or the sources', () => {
    for (const pkg of ['core', 'rules']) {
      const files = listing(tarball(pkg));
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files).toContain('package/dist/index.js.map');
      expect(files.filter((f) => /\.test\.|test-helper|\.tsbuildinfo|api-report|api-model|^package\/src\//.test(f))).toEqual([]);
    }
    expect(listing(tarball('rules'))).toContain('package/pipelines/windows-ecs.yml');
  });

  it('run from plain Node ESM, shipped pipelines loaded by name', () => {
    writeFileSync(join(project, 'esm.mjs'), `import { createEngine } from '@socle/core';\nimport { shippedPipelines } from '@socle/rules/pipelines';\n${USE_ENGINE}console.log(JSON.stringify(alerts.map((a) => a.rule.id)));\n`);
    expect(JSON.parse(run(process.execPath, ['esm.mjs'], { cwd: project }))).toEqual([RULE_ID]);
  });

  it('run from CommonJS (require of the ES module, Node 20.19 and later)', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { createEngine } = require('@socle/core');\nconst { shippedPipelines } = require('@socle/rules/pipelines');\n${USE_ENGINE}console.log(JSON.stringify(alerts.map((a) => a.rule.id)));\n`,
    );
    expect(JSON.parse(run(process.execPath, ['--no-warnings', 'cjs.cjs'], { cwd: project }))).toEqual([RULE_ID]);
  });

  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('typecheck in a TypeScript project with moduleResolution %s, and catch a type error', (name, options) => {
    const dir = join(project, `ts-${name}`);
    mkdirSync(dir, { recursive: true });
    const compilerOptions = { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
    const source = `import { createEngine, type Alert, type Engine } from '@socle/core';\nimport { shippedPipelines, type ShippedPipeline } from '@socle/rules/pipelines';\nconst pipelines: ShippedPipeline[] = shippedPipelines(['windows-ecs']);\nconst engine: Engine = createEngine({ rules: [{ text: '', file: 'r.yml' }], pipelines });\nconst alerts: Alert[] = engine.process({});\nexport const ids: string[] = alerts.map((a) => a.rule.id);\n`;
    writeFileSync(join(dir, 'use.ts'), source);
    run(process.execPath, [TSC, '-p', dir]);
    writeFileSync(join(dir, 'use.ts'), `${source}export const wrong: number = engine.process({})[0].rule.id;\n`);
    expect(() => run(process.execPath, [TSC, '-p', dir])).toThrow(/TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('bundle for a browser, without Node built-ins, and the bundle runs', () => {
    writeFileSync(join(project, 'browser.js'), `import { createEngine } from '@socle/core';\nimport { shippedPipelines } from '@socle/rules/pipelines';\n${USE_ENGINE}globalThis.result = alerts.map((a) => a.rule.id);\n`);
    run(ESBUILD, ['browser.js', '--bundle', '--platform=browser', '--format=iife', '--outfile=bundle.js', '--log-level=warning'], { cwd: project });
    // in a context without process, require or any Node API
    const check = `const vm = require('node:vm'); const ctx = vm.createContext({ TextEncoder, TextDecoder }); vm.runInContext(require('node:fs').readFileSync('bundle.js', 'utf8'), ctx); console.log(JSON.stringify(ctx.result));`;
    expect(JSON.parse(run(process.execPath, ['-e', check], { cwd: project }))).toEqual([RULE_ID]);
  });
});

describe('the socle binary', () => {
  it('is on the PATH after npm install -g of the CLI, runs compiled JavaScript, and detects', () => {
    const prefix = join(scratch, 'global');
    run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(ROOT, 'packages/cli')]);
    const bin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
    const path = [bin, ...String(process.env.PATH).split(delimiter).filter((d) => !d.includes('node_modules'))].join(delimiter);
    const user = { cwd: scratch, env: { ...env, PATH: path } };
    expect(run('socle', ['--version'], user).trim()).toBe(requireFromRoot('./packages/cli/package.json').version);
    writeFileSync(join(scratch, 'rule.yml'), RULE);
    const r = spawnSync('socle', ['detect', '--rules', 'rule.yml', '--pipeline', 'windows-ecs', '--input', '-'], { ...user, input: JSON.stringify(EVENT), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout.trim()).rule.id).toBe(RULE_ID);
  });
});
