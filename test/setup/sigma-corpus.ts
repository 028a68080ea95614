// Where the SigmaHQ rules and specification (read-only, shared by the team) are, for the tests and benchmarks
// that read them: SOCLE_SIGMA_DIR when set, else `shared/sigma` beside the checkout, else beside the work root
// of these machines (`/work/shared/sigma`), so a clone anywhere (say under `mktemp -d`) still finds them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export const SIGMA_DIR =
  process.env.SOCLE_SIGMA_DIR ?? [resolve(REPOSITORY, '../shared/sigma'), '/work/shared/sigma'].find((dir) => existsSync(dir)) ?? resolve(REPOSITORY, '../shared/sigma');
