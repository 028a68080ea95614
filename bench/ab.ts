/**
 * Detection time of two versions of @socle/core in one process, on the same events, for changes too small for
 * `pnpm bench` to tell apart on a shared machine (its runs drift by more than they differ):
 *   pnpm exec tsx bench/ab.ts [--base <git rev>] [--head <git rev>] [--passes N]
 * Each side is @socle/core at that revision (default: base HEAD, head the working tree), bundled on its own; their
 * engines (all SigmaHQ rules, `windows-ecs`, read once by the working tree's loaders) take turns every 2,000
 * events, each event parsed anew, and a bare parse of the same chunk is timed alongside.
 * Detection = parse + detect - parse.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { SIGMA_DIR } from '../test/setup/sigma-corpus.ts';

const { values: args } = parseArgs({ options: { base: { type: 'string', default: 'HEAD' }, head: { type: 'string' }, passes: { type: 'string', default: '4' } } });
const passes = Number(args.passes);
if (!Number.isInteger(passes) || passes < 1) throw new Error(`--passes: a whole number of passes, at least 1, not '${args.passes}'`);

const root = new URL('..', import.meta.url).pathname;
const dataFile = join(root, 'bench/data/windows-ecs.ndjson');
if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing: run 'pnpm bench' once to generate it`);
const work = mkdtempSync(join(tmpdir(), 'socle-ab-'));

type CreateEngine = typeof import('@socle/core').createEngine;

/** @socle/core as of `rev` (undefined: the working tree), bundled on its own. */
async function bundle(name: string, rev: string | undefined): Promise<CreateEngine> {
  let dir = root;
  if (rev !== undefined) {
    dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git -C "$0" archive "$1" packages/core/src | tar -x -C "$2"`, root, rev, dir]);
    symlinkSync(join(root, 'packages/core/node_modules'), join(dir, 'packages/core/node_modules'));
  }
  const outfile = join(work, `${name}.mjs`);
  await build({
    entryPoints: [join(dir, 'packages/core/src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    // For the CommonJS dependencies bundled in (they `require` Node built-ins).
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return ((await import(pathToFileURL(outfile).href)) as { createEngine: CreateEngine }).createEngine;
}

try {
  const sides = [await bundle('base', args.base), await bundle('head', args.head)];
  const lines = readFileSync(dataFile, 'utf8').split('\n').filter(Boolean);
  const rules = await readYamlSources(readdirSync(SIGMA_DIR).filter((d) => d.startsWith('rules')).map((d) => join(SIGMA_DIR, d)));
  const pipelines = await readPipelineSources(['windows-ecs']);
  const engines = sides.map((createEngine) => createEngine({ rules, pipelines, placeholders: {} }));
  for (const e of engines) for (const l of lines) e.process(JSON.parse(l)); // warm-up: builds the rule groups
  const CHUNK = 2_000;
  const spent = [0, 0];
  const alerts = [0, 0];
  let parse = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (let start = 0; start < lines.length; start += CHUNK) {
      const chunk = lines.slice(start, start + CHUNK);
      // Alternate which side goes first, so neither always meets the other's garbage.
      for (const k of (start / CHUNK + pass) % 2 ? [1, 0] : [0, 1]) {
        const t0 = performance.now();
        for (const l of chunk) alerts[k] += engines[k].process(JSON.parse(l)).length;
        spent[k] += performance.now() - t0;
      }
      const t0 = performance.now();
      for (const l of chunk) JSON.parse(l);
      parse += performance.now() - t0;
    }
  }
  const perEvent = (ms: number) => (ms * 1000) / (lines.length * passes);
  const [base, head] = spent.map((ms) => perEvent(ms - parse));
  console.log(`${lines.length.toLocaleString('en')} events x ${passes} passes, Node ${process.version}; µs per event`);
  console.log(`parse ${perEvent(parse).toFixed(2)} | base (${args.base}) detect ${base.toFixed(2)} | head (${args.head ?? 'working tree'}) detect ${head.toFixed(2)} | head/base ${(head / base).toFixed(3)}`);
  if (alerts[0] !== alerts[1]) console.log(`alerts differ: base ${alerts[0]}, head ${alerts[1]}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
