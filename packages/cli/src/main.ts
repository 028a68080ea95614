import { createRequire } from 'node:module';
import { Command } from 'commander';
import { COMMANDS, commandOf } from './command-index.ts';

// src/ and dist/ are at the same depth, so the package's manifest is one folder up from either.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command('socle')
  .description('Socle: Sigma detection and correlation for SOCs')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

const wanted = commandOf(process.argv.slice(2));
if (wanted) {
  (await wanted.load())(program);
} else {
  // The command list only: no command module is loaded for `socle --help` or an unknown command.
  for (const c of COMMANDS) program.command(`${c.name} ${c.usage}`.trim()).summary(c.summary);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Loaded here, not at the top: `socle --help` must not load the engine.
  const { errorMessage } = await import('@socle/core');
  process.stderr.write(`socle: ${errorMessage(err)}\n`);
  process.exit(2);
}
