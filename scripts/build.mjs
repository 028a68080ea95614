#!/usr/bin/env node
// Generates the shipped pipelines' module, builds every package to JavaScript and declaration files (`tsc -b`, incremental: an unchanged package is not
// rebuilt), then rewrites the relative `.ts` imports TypeScript leaves in declaration files to `.js`, so a consumer
// without `allowImportingTsExtensions` reads them. The rewrite keeps file times, so `tsc -b` still sees them current.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [join(root, 'scripts/generate-pipelines.mjs')], { stdio: 'inherit' });
try {
  execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json'), ...process.argv.slice(2)], { stdio: 'inherit' });
} catch {
  process.stderr.write('build: tsc -b failed (errors above)\n');
  process.exit(1);
}

const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dist = join(root, 'packages', pkg, 'dist');
  if (existsSync(dist)) rewrite(dist);
}

function rewrite(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) rewrite(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const fixed = text.replace(TS_SPECIFIER, '$1$2$3.js$2');
      if (fixed === text) continue;
      const { atime, mtime } = statSync(path);
      writeFileSync(path, fixed);
      utimesSync(path, atime, mtime);
    }
  }
}
