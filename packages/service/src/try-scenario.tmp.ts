import { Command } from 'commander';
import { registerDemo } from './cli/commands/demo.ts';
import { registerRun } from './cli/commands/run.ts';
import { registerAlerts } from './cli/commands/alerts.ts';
const p = new Command('socle'); registerDemo(p); registerRun(p); registerAlerts(p); await p.parseAsync(['node', 'socle', ...process.argv.slice(2)]);
