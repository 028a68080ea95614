import { errorMessage } from '@socle/core';
import type { Command } from 'commander';
import { CorrelationWorker, openElasticsearchTriage, ElasticsearchAlertSink, ElasticsearchAlertStore, createJsonLogger, startServeApi, type RunningServeApi, loadServiceConfig, maskSecrets, sharingPoliciesOf, writeSharingPolicy } from '@socle/runtime';
import { startTaxiiService, UpwardSharing, type RunningTaxii } from '@socle/sharing';

export interface ServeOptions {
  config: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the distributed correlation worker: Kafka event topics -> one engine per partition -> alerts topic and ' +
        'Elasticsearch, with engine checkpoints in a compacted topic; /metrics, /healthz, /readyz. JSON logs on ' +
        'stderr. Rules reload on change, on POST /admin/reload (admin token) and on SIGHUP. ' +
        'SIGTERM/SIGINT: stop consuming, finish the batch in flight, checkpoint, commit, exit.',
    )
    .requiredOption('-c, --config <file>', 'service YAML configuration (see packages/runtime/README.md, "Distributed mode")')
    .action(async (opts: ServeOptions) => {
      process.exitCode = await serve(opts);
    });
}

/** Runs the worker until SIGTERM or SIGINT; resolves to the exit code. */
export async function serve(opts: ServeOptions): Promise<number> {
  // Files this process creates (checkpoints, outbox, triage, audit) are private whatever the caller's umask.
  process.umask(0o077);
  const logger = createJsonLogger();
  let worker: CorrelationWorker | undefined;
  let api: RunningServeApi | undefined;
  let reloadOnHangup: (() => void) | undefined;
  let sharing: UpwardSharing | undefined;
  let taxii: RunningTaxii | undefined;
  try {
    const { config, overrides } = await loadServiceConfig(opts.config);
    logger.info('configuration loaded', { file: opts.config, overrides, config: maskSecrets(config) });
    worker = new CorrelationWorker({ config, logger });
    const stop = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    await worker.start();
    const running = worker;
    if (config.api) {
      api = await startServeApi({
        api: config.api,
        store: new ElasticsearchAlertStore(worker.elasticsearch, config.elasticsearch.indexPrefix),
        ...(config.elasticsearch.triageIndex ? { triage: await openElasticsearchTriage(worker.elasticsearch, config.elasticsearch.triageIndex) } : {}),
        reload: () => running.reloadRules('admin'),
        logger,
        ...(config.sharing ? { sharingPolicies: () => sharingPoliciesOf(config.sharing!.policies), writeSharingPolicy: (org, policy, by) => writeSharingPolicy(config.sharing!.policies, org, policy, by) } : {}),
      });
    }
    if (config.sharing) {
      const store = new ElasticsearchAlertStore(worker.elasticsearch, config.elasticsearch.indexPrefix);
      const sink = new ElasticsearchAlertSink({
        client: worker.elasticsearch,
        indexPrefix: config.elasticsearch.indexPrefix,
        organization: config.organization,
        attempts: config.elasticsearch.bulkAttempts,
      });
      sharing = await UpwardSharing.open({
        config: config.sharing,
        store,
        sink,
        logger,
        ...(config.taxii ? { publish: (bundle, destination) => taxii?.server.publish(bundle, destination) } : {}),
      });
    }
    if (config.taxii) taxii = await startTaxiiService(config.taxii, sharing?.policies ?? [], logger);
    sharing?.start();
    reloadOnHangup = () => void running.reloadRules('signal').catch(() => undefined);
    process.on('SIGHUP', reloadOnHangup);
    const signal = await stop;
    logger.info('signal received', { signal });
  } catch (err) {
    logger.error('worker failed', { error: errorMessage(err) });
    if (reloadOnHangup) process.off('SIGHUP', reloadOnHangup);
    await sharing?.stop().catch(() => undefined);
    await taxii?.close();
    await api?.close();
    await worker?.stop().catch(() => undefined);
    return 2;
  }
  process.off('SIGHUP', reloadOnHangup);
  await sharing?.stop();
  await taxii?.close();
  await api?.close();
  await worker.stop();
  return 0;
}
