import { Command } from 'commander';
import { registerDetect } from './commands/detect.ts';

const program = new Command('socle')
  .description('Socle: Sigma detection and correlation for SOCs')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerDetect(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`socle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
