import type { Command } from 'commander';
import { formatLoadError } from '@socle/core';
import { EmbeddedService, loadRunConfig } from '@socle/runtime';

interface RunOptions {
  config: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run Socle embedded, in one process: file, stdin and syslog inputs -> collector parsers -> in-process bus -> engine -> ' +
        'alert journal, with the alert query API (GET /alerts, /alerts/_counts, /alerts/<id>, /healthz). ' +
        'Rules reload when their files change, on POST /admin/reload and on SIGHUP (a broken set never replaces the running one). ' +
        'Stops cleanly on SIGINT/SIGTERM.',
    )
    .requiredOption('-c, --config <file>', 'YAML configuration (see packages/runtime/README.md)')
    .action(async (opts: RunOptions) => {
      process.exitCode = await run(opts);
    });
}

async function run(opts: RunOptions): Promise<number> {
  const log = (m: string) => process.stderr.write(`socle run: ${m}\n`);
  // Files this process creates (journal, engine state, checkpoints, outbox, triage, audit) are private whatever the umask.
  process.umask(0o077);
  let service: EmbeddedService;
  try {
    const config = await loadRunConfig(opts.config);
    service = new EmbeddedService(config, { log });
    await service.start();
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const { loaded, rejected } = service.rules;
  for (const r of rejected) log(`rule not loaded: ${formatLoadError(r)}`);
  log(`${loaded} rules loaded; alert API on ${service.apiUrl} (GET /alerts, /alerts/_counts?by=rule, /healthz; POST /admin/reload; tokens: api.tokens)`);
  const reloadOnHangup = () => void service.reloadRules('signal');
  process.on('SIGHUP', reloadOnHangup);
  void service.inputsEnded.then(() => log('every input reached its end; still serving the API (Ctrl-C to stop)'));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.off('SIGHUP', reloadOnHangup);
  log('stopping: finishing buffered events');
  await service.stop();
  const s = service.stats;
  log(`stopped: ${s.events} events, ${s.alerts} alerts written (${s.alertsStored} in the journal), ${s.rejectedRecords} records not parsed`);
  return 0;
}
