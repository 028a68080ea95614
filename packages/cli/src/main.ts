import { Command } from 'commander';
import { registerAlerts } from './commands/alerts.ts';
import { registerCollect } from './commands/collect.ts';
import { registerConfig } from './commands/config.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDetect } from './commands/detect.ts';
import { registerRules } from './commands/rules.ts';
import { registerRun } from './commands/run.ts';
import { registerServe } from './commands/serve.ts';
import { registerShare } from './commands/share.ts';
import { registerTokens } from './commands/tokens.ts';

const program = new Command('socle')
  .description('Socle: Sigma detection and correlation for SOCs')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerDemo(program);
registerDetect(program);
registerRules(program);
registerCollect(program);
registerRun(program);
registerServe(program);
registerConfig(program);
registerAlerts(program);
registerShare(program);
registerTokens(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`socle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
