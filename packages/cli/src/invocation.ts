import { accessSync, constants } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

/**
 * How the user runs `socle` from their own shell, for the commands the CLI suggests: `socle` when it is on their
 * PATH (`npm install -g ./packages/cli`, `pnpm link --global`), else through the package manager that started it.
 * A package manager puts `node_modules/.bin` on the PATH only for the process it starts, so those folders do not count.
 */
export function socleCommand(env: NodeJS.ProcessEnv = process.env): string {
  const own = (dir: string) => dir.split(sep).includes('node_modules');
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !own(dir))
    .some((dir) => isExecutable(join(dir, 'socle')));
  if (onPath) return 'socle';
  return (env.npm_config_user_agent ?? '').startsWith('pnpm') ? 'pnpm exec socle' : 'npx --no socle';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
