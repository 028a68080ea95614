// `socle serve --config <file>` in a child process for the crash test: the command's own code, JSON logs on stderr.
import { serve } from '../../packages/cli/src/commands/serve.ts';

process.exitCode = await serve({ config: process.argv[2] });
