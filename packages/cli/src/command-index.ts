/**
 * The sub-commands, each with a one-line summary for `socle --help` and the module that registers it. Only the
 * command that runs is loaded (`socle --help` loads none): a command's module pulls in its packages (the
 * Elasticsearch and Kafka clients for `serve`, the engine for `detect`), which is most of a start's time.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** Arguments shown after the name in the command list. */
  usage: string;
  summary: string;
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'demo', usage: '[options]', summary: 'Replay the bundled attack scenario offline and print the alerts', load: async () => (await import('./commands/demo.ts')).registerDemo },
  { name: 'detect', usage: '[options]', summary: 'Run Sigma rules over NDJSON events; alerts as NDJSON on stdout', load: async () => (await import('./commands/detect.ts')).registerDetect },
  { name: 'rules', usage: '', summary: 'Work with detection packages: lint, test, import, coverage, list', load: async () => (await import('./commands/rules.ts')).registerRules },
  { name: 'collect', usage: '[options]', summary: 'Collect logs (syslog, files, HTTP, stdin), normalise them to ECS, send them to Kafka or stdout', load: async () => (await import('./commands/collect.ts')).registerCollect },
  { name: 'run', usage: '[options]', summary: 'Run Socle embedded in one process: inputs, engine, alert journal and alert API', load: async () => (await import('./commands/run.ts')).registerRun },
  { name: 'serve', usage: '[options]', summary: 'Run the distributed correlation worker: Kafka -> engine -> Kafka and Elasticsearch', load: async () => (await import('./commands/serve.ts')).registerServe },
  { name: 'config', usage: '', summary: 'Service configuration files', load: async () => (await import('./commands/config.ts')).registerConfig },
  { name: 'alerts', usage: '', summary: 'Query alerts: an alert journal or a running alert API', load: async () => (await import('./commands/alerts.ts')).registerAlerts },
  { name: 'share', usage: '', summary: 'Share alerts upward under a sharing policy (STIX 2.1 over TAXII 2.1)', load: async () => (await import('./commands/share.ts')).registerShare },
  { name: 'tokens', usage: '', summary: 'API tokens for the alert API (layer, organisations, role, expiry)', load: async () => (await import('./commands/tokens.ts')).registerTokens },
  { name: 'dlq', usage: '', summary: 'Dead letters: replay the records a stage could not handle, once fixed', load: async () => (await import('./commands/dlq.ts')).registerDlq },
];

/** The command an argument list runs (`socle help <name>` included), if it names one. */
export function commandOf(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}
