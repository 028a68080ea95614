import type { Command } from 'commander';
import { createLogger, formatLoadError, errorMessage } from '@socle/core';
import { EmbeddedService, loadRunConfig } from '@socle/runtime';

interface RunOptions {
  config: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run Socle embedded, in one process: the collector inputs (syslog UDP/TCP/TLS, files, HTTP, stdin) -> parsers -> in-process bus -> engine -> ' +
        'alert journal, with the alert query API (GET /alerts, /alerts/_counts, /alerts/<id>, /healthz). ' +
        'Rules reload when their files change, on POST /admin/reload and on SIGHUP (a broken set never replaces the running one). ' +
        'Stops cleanly on SIGINT/SIGTERM.',
    )
    .requiredOption('-c, --config <file>', 'YAML configuration (see packages/runtime/README.md)')
    .action(async (opts: RunOptions) => {
      const code = await run(opts);
      // A start that failed half way (an input could not bind) must not leave a deaf process serving /healthz.
      if (code !== 0) process.exit(code);
      process.exitCode = code;
    });
}

async function run(opts: RunOptions): Promise<number> {
  const log = (m: string) => process.stderr.write(`socle run: ${m}\n`);
  // Files this process creates (journal, engine state, checkpoints, outbox, triage, audit) are private whatever the umask.
  process.umask(0o077);
  let service: EmbeddedService | undefined;
  try {
    const config = await loadRunConfig(opts.config);
    service = new EmbeddedService(config, { logger: createLogger({ format: 'text', prefix: 'socle run: ', write: (line) => process.stderr.write(line) }) });
    await service.start();
  } catch (err) {
    log(errorMessage(err));
    await service?.stop().catch(() => undefined);
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
  log(`stopped: ${s.events} events, ${s.alerts} alerts written (${s.alertsStored} in the journal), ${s.rejectedRecords} records not parsed, ${s.deadLetters} dead letters in ${service.deadLetterFile}`);
  return 0;
}
