/**
 * Builds the console into dist/: one JavaScript bundle (Preact, uPlot and the app), one stylesheet and the page.
 * Run by scripts/bootstrap.sh (so `npm test` and `npm run demo` build it) and by `pnpm --filter @socle/console build`.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

await mkdir(dist, { recursive: true });
await build({
  entryPoints: [join(root, 'src/ui/main.tsx')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(dist, 'console.js'),
  logLevel: 'warning',
  legalComments: 'linked',
});
const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
const ownCss = await readFile(join(root, 'src/ui/console.css'), 'utf8');
await writeFile(join(dist, 'console.css'), `${uplotCss}\n${ownCss}`);
await copyFile(join(root, 'src/ui/index.html'), join(dist, 'index.html'));
process.stderr.write(`console: built ${dist}\n`);
