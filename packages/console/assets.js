// The console's built assets, for the alert API to serve. The browser code lives in src/ui/ and is bundled into
// dist/ by scripts/build.ts; this module is the only part Node imports. Plain JavaScript (with assets.d.ts), so
// the runtime's compiled code and the workspace's sources both import it without a build of its own.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding index.html, console.js and console.css. */
export const CONSOLE_ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dist');

/** True once `pnpm --filter @socle/console build` (run by scripts/bootstrap.sh) has produced the assets. */
export function consoleIsBuilt(dir = CONSOLE_ASSETS_DIR) {
  return existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'console.js'));
}
